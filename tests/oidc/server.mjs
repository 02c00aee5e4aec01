// A real OpenID Connect provider for the sign-in tests (the npm package oidc-provider), on a
// loopback port over http. Tests add users and clients as they need them, revoke a user's
// access, and ask for one spoiled ID token (signed by a stranger's key, for another client, or
// expired) to prove that Kodlek refuses it.
//
//   OIDC_PORT (default 4010)   the port on 127.0.0.1
//
// Admin routes (JSON, loopback only, for tests):
//   POST /admin/users            {sub, email, email_verified, name, picture, birthdate, phone_number}
//   POST /admin/users/{sub}/revoke   the provider stops vouching for the user
//   POST /admin/tamper           {client_id, mode: "wrong_key" | "other_client" | "expired"}: the
//                                next ID token for that client (tests run at once, each with its
//                                own client, so one test's spoiled token never reaches another)
// Clients register themselves at /reg (dynamic client registration).
import http from 'node:http';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const port = Number(process.env.OIDC_PORT || 4010);
const issuer = `http://127.0.0.1:${port}`;

const users = new Map();
const revoked = new Set();
/** client id → the spoiling its next ID token gets. */
const tamper = new Map();

const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signing = { ...(await jose.exportJWK(privateKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
const stranger = (await jose.generateKeyPair('RS256', { extractable: true })).privateKey;

const provider = new Provider(issuer, {
  jwks: { keys: [signing] },
  features: {
    registration: { enabled: true },
    devInteractions: { enabled: false },
    revocation: { enabled: true },
  },
  scopes: ['openid', 'email', 'profile', 'offline_access'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    // More than Kodlek reads, as real providers send: it must keep none of it.
    profile: ['name', 'picture', 'birthdate', 'phone_number'],
  },
  // Every claim of the granted scopes goes into the ID token too.
  conformIdTokenClaims: false,
  // A refresh token for every client that may use one, so that Kodlek can re-check.
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  async findAccount(_ctx, sub) {
    const user = users.get(sub);
    if (!user || revoked.has(sub)) return undefined;
    return { accountId: sub, async claims() { return { ...user, sub } } };
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, RefreshToken: 86400, Interaction: 600, Session: 3600, Grant: 86400 },
  pkce: { required: () => true },
});
provider.proxy = false;

// The spoiled ID token a test asked for, in place of the real one.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || !ctx.body || !ctx.body.id_token) return;
  const claims = jose.decodeJwt(ctx.body.id_token);
  const client = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
  const mode = tamper.get(client);
  if (!mode) return;
  tamper.delete(client);
  const now = Math.floor(Date.now() / 1000);
  let key = privateKey;
  if (mode === 'wrong_key') key = stranger;
  if (mode === 'other_client') claims.aud = 'another-client';
  if (mode === 'expired') { claims.iat = now - 7200; claims.exp = now - 3600; }
  ctx.body.id_token = await new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .sign(key);
});

function page(uid) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test provider sign-in</title></head>
<body><h1>Test provider</h1><form method="post" action="/interaction/${uid}">
<label for="login">User</label><input id="login" name="login" autocomplete="off">
<button id="provider-sign-in" type="submit">Sign in</button></form></body></html>`;
}

async function body(req) {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 65536) throw new Error('too large');
  }
  return text;
}

function json(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return json(res, 400, { error: 'wrong interaction' });
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(page(uid));
  }
  const login = new URLSearchParams(await body(req)).get('login') || '';
  if (!users.has(login) || revoked.has(login)) {
    return provider.interactionFinished(req, res, {
      error: 'access_denied', error_description: 'this user may not sign in',
    }, { mergeWithLastSubmission: false });
  }
  const { params } = details;
  const grant = new provider.Grant({ accountId: login, clientId: params.client_id });
  grant.addOIDCScope(String(params.scope));
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, {
    login: { accountId: login }, consent: { grantId },
  }, { mergeWithLastSubmission: false });
}

async function admin(req, res, path) {
  if (req.method !== 'POST') return json(res, 405, { error: 'POST only' });
  const input = JSON.parse((await body(req)) || '{}');
  if (path === '/admin/users') {
    if (!input.sub) return json(res, 422, { error: 'sub is required' });
    const { sub, ...claims } = input;
    users.set(sub, claims);
    revoked.delete(sub);
    return json(res, 201, { sub });
  }
  const m = path.match(/^\/admin\/users\/([^/]+)\/revoke$/);
  if (m) {
    revoked.add(decodeURIComponent(m[1]));
    return json(res, 200, { revoked: decodeURIComponent(m[1]) });
  }
  if (path === '/admin/tamper') {
    if (typeof input.client_id !== 'string') return json(res, 400, { error: 'client_id is needed' });
    tamper.set(input.client_id, input.mode);
    return json(res, 200, { client_id: input.client_id, mode: input.mode });
  }
  return json(res, 404, { error: 'no such admin route' });
}

const callback = provider.callback();
const server = http.createServer(async (req, res) => {
  try {
    const path = new URL(req.url, issuer).pathname;
    const m = path.match(/^\/interaction\/([^/]+)$/);
    if (m) return await interaction(req, res, m[1]);
    if (path.startsWith('/admin/')) return await admin(req, res, path);
    return callback(req, res);
  } catch (e) {
    json(res, 500, { error: String(e && e.message || e) });
  }
});
server.listen(port, '127.0.0.1', () => {
  console.log(`test OpenID Connect provider at ${issuer}`);
});
