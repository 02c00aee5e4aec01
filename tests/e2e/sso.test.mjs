// Browser test of a section whose pupils sign in with the district's accounts: a child opens
// the section's sign-in page, presses "Sign in with District", signs in at the district's
// provider (the real OpenID Connect provider in tests/oidc/), tells their age once, and lands
// on the section's course, a member of the section.
// promise SSO-1 promise SSO-2

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { submit, withPage } from './browser.mjs';
import { chromiumOptions, startServer } from './server.mjs';

const TEST_TIMEOUT = 120_000;
const issuer = process.env.KODLEK_TEST_OIDC_ISSUER?.replace(/\/$/, '');

let server;
let browser;

async function idp(path, body) {
  const res = await fetch(`${issuer}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.ok(res.ok, `${path} answered ${res.status}`);
  return res.json();
}

/** A JSON call to the server with a cookie jar of one. */
async function api(method, path, body, cookie) {
  const res = await fetch(`${server.baseURL}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const set = res.headers.getSetCookie().find((c) => c.startsWith('kodlek_session='));
  return { status: res.status, json: await res.json().catch(() => null), cookie: set?.split(';')[0] };
}

before(async () => {
  if (!issuer) return;
  browser = await chromium.launch(chromiumOptions());
  server = await startServer({
    env: async (baseURL) => {
      const client = await idp('/reg', {
        redirect_uris: [`${baseURL}/sign-in/sso/district/callback`],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      });
      return {
        KODLEK_SSO_PROVIDERS: 'district',
        KODLEK_SSO_DISTRICT_CLIENT_ID: client.client_id,
        KODLEK_SSO_DISTRICT_CLIENT_SECRET: client.client_secret,
        KODLEK_SSO_DISTRICT_ISSUER: issuer,
        KODLEK_SSO_DISTRICT_LABEL: 'District',
      };
    },
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a child presses the section\'s "Sign in with District", signs in at the district and lands on the course', { timeout: TEST_TIMEOUT }, async (t) => {
  if (!issuer) {
    console.log('sso browser test: skipped (KODLEK_TEST_OIDC_ISSUER is not set)');
    t.skip('no OpenID Connect test provider');
    return;
  }
  // The teacher, through the API: a verified teacher with a section that signs in through the district.
  const email = `lind.${Date.now()}@school.example.org`;
  const signUp = await api('POST', '/api/v1/accounts', {
    role: 'teacher', display_name: 'Ms Lind', email, password: 'correct horse battery',
  });
  assert.equal(signUp.status, 201);
  const mails = await server.waitForMail((m) => (m.headers.to || '').toLowerCase().includes(email));
  const token = /\/verify-email\/([A-Za-z0-9_-]+)/.exec(mails[0].text)[1];
  assert.equal((await api('POST', `/api/v1/email-verifications/${token}`, {})).status, 204);
  const section = await api('POST', '/api/v1/sections', { name: 'Class 3A', course_id: 'maze-intro', login_type: 'sso:district' }, signUp.cookie);
  assert.equal(section.status, 201, JSON.stringify(section.json));
  const code = section.json.section.code;

  // The child, at the district: a pupil's account that sends more than Kodlek reads.
  const sub = `pupil-${Date.now()}`;
  await idp('/admin/users', {
    sub, email: `${sub}@pupils.example.org`, email_verified: true, name: 'Alva',
    picture: 'https://pictures.example.org/alva.png', birthdate: '2017-02-03',
  });

  await withPage(browser, server, t, {}, async (page, problems) => {
    await page.goto(`/sign-in/${code}`);
    const button = page.locator('#section-sso');
    assert.equal((await button.innerText()).trim(), 'Sign in with District');
    await Promise.all([page.waitForURL(`${issuer}/interaction/**`), button.click()]);

    // At the district's provider.
    await page.fill('#login', sub);
    await Promise.all([page.waitForURL(`${server.baseURL}/sign-in/sso/district/callback**`), page.click('#provider-sign-in')]);

    // Once: who the child is. The name is the district's, and may be changed.
    assert.equal(await page.inputValue('#display_name'), 'Alva');
    await page.check('#role-student');
    await page.fill('#age', '9');
    await submit(page, 'form#sso-new-form button[type=submit]');

    assert.equal(new URL(page.url()).pathname, '/courses/maze-intro');
    await page.locator('h1').waitFor();
    const mine = await page.evaluate(async () => (await fetch('/api/v1/me/sections')).json());
    assert.deepEqual(mine.sections.map((s) => s.name), ['Class 3A']);
    const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
    assert.equal(me.user.under_13, true);
    assert.equal(me.user.email, null, "a child's address is kept only as its keyed hash");

    const elsewhere = problems.filter((p) => !p.includes(issuer));
    assert.deepEqual(elsewhere, [], 'Kodlek\'s own pages load nothing from another site');
  });
});
