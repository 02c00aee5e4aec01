// Starts a real `kodlek serve` on a fresh data directory and a free loopback port, and reads
// the mail outbox that the server writes there.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Options for playwright-core's `chromium.launch`: Debian's Chromium, never a downloaded one. */
export function chromiumOptions() {
  return {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  };
}

function serverBinary() {
  return process.env.KODLEK_BIN || path.resolve(here, '../../target/debug/kodlek');
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the server. Resolves once `GET /healthz` answers 200. `env`: settings for the server
 * (an object, or a function of its base URL that gives one).
 *
 * Returns `{ baseURL, dataDir, outboxDir, logTail(n), logIncludes(text), readOutbox(),
 * waitForMail(predicate), stop() }`.
 */
export async function startServer({ timeoutMs = 30_000, env: extraEnv } = {}) {
  const bin = serverBinary();
  if (!existsSync(bin)) {
    throw new Error(
      `server binary not found at ${bin}: build it with \`cargo build -p kodlek\` ` +
        'or point KODLEK_BIN at it',
    );
  }

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'kodlek-e2e-'));
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;

  // The server gets its defaults (SQLite in the data directory, the file outbox), whatever
  // KODLEK_* settings the calling shell happens to carry.
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('KODLEK_')) env[key] = value;
  }
  env.KODLEK_PUBLIC_URL = baseURL;
  // Settings a test gives, from the server's address when they depend on it.
  if (extraEnv) Object.assign(env, typeof extraEnv === 'function' ? await extraEnv(baseURL) : extraEnv);

  const log = [];
  const remember = (chunk) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      log.push(line);
      if (log.length > 20_000) log.shift();
    }
  };

  const child = spawn(bin, ['serve', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', remember);
  child.stderr.on('data', remember);

  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
    child.on('error', (err) => {
      exited = { code: null, signal: null, error: err };
      resolve(exited);
    });
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  const logTail = (n = 40) => log.slice(-n).join('\n');
  const logIncludes = (needle) => log.some((line) => line.includes(needle));

  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  for (;;) {
    if (exited) {
      process.off('exit', killOnExit);
      await rm(dataDir, { recursive: true, force: true });
      throw new Error(
        `kodlek serve exited before it was healthy (${JSON.stringify(exited)})\n` +
          `--- server log ---\n${logTail()}`,
      );
    }
    try {
      const res = await fetch(`${baseURL}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) break;
      lastProblem = `GET /healthz answered ${res.status}`;
    } catch (err) {
      lastProblem = `GET /healthz failed: ${err.cause?.code || err.message}`;
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      process.off('exit', killOnExit);
      throw new Error(
        `kodlek serve was not healthy within ${timeoutMs} ms (${lastProblem})\n` +
          `--- server log ---\n${logTail()}`,
      );
    }
    await sleep(100);
  }

  const outboxDir = path.join(dataDir, 'outbox');

  /** Every mail in the outbox, oldest name first: `{ file, headers, text, raw }`. */
  async function readOutbox() {
    let names;
    try {
      names = (await readdir(outboxDir)).filter((n) => n.endsWith('.eml')).sort();
    } catch (err) {
      if (err.code === 'ENOENT') return [];
      throw err;
    }
    const mails = [];
    for (const name of names) {
      const raw = await readFile(path.join(outboxDir, name), 'latin1');
      mails.push({ file: name, ...parseMail(raw), raw });
    }
    return mails;
  }

  /** Waits until some mail satisfies `predicate`; mail may be sent by a background job. */
  async function waitForMail(predicate, { timeoutMs: wait = 15_000 } = {}) {
    const until = Date.now() + wait;
    for (;;) {
      const mails = await readOutbox();
      const found = mails.filter(predicate);
      if (found.length > 0) return found;
      if (Date.now() > until) {
        throw new Error(
          `no matching mail in ${outboxDir} within ${wait} ms; it holds: ` +
            (mails.map((m) => `${m.file} (To: ${m.headers.to ?? '?'})`).join(', ') || 'nothing'),
        );
      }
      await sleep(200);
    }
  }

  async function stop() {
    process.off('exit', killOnExit);
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exitPromise;
      clearTimeout(timer);
    }
    if (!process.env.KODLEK_E2E_KEEP) {
      await rm(dataDir, { recursive: true, force: true });
    } else {
      console.error(`kept the server's data directory: ${dataDir}`);
    }
  }

  return { baseURL, dataDir, outboxDir, logTail, logIncludes, readOutbox, waitForMail, stop };
}

// --- a small MIME reader: enough for the mails the server writes (plain, multipart,
// quoted-printable, base64) ---

function splitEntity(raw) {
  const match = /\r?\n\r?\n/.exec(raw);
  if (!match) return { head: raw, body: '' };
  return { head: raw.slice(0, match.index), body: raw.slice(match.index + match[0].length) };
}

function parseHeaders(head) {
  const headers = {};
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}

function decodeBody(body, encoding) {
  const enc = (encoding || '').toLowerCase();
  let bytes;
  if (enc === 'base64') {
    bytes = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  } else if (enc === 'quoted-printable') {
    const soft = body.replace(/=\r?\n/g, '');
    const out = [];
    for (let i = 0; i < soft.length; i++) {
      const hex = soft.slice(i + 1, i + 3);
      if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
        out.push(parseInt(hex, 16));
        i += 2;
      } else {
        out.push(soft.charCodeAt(i) & 0xff);
      }
    }
    bytes = Buffer.from(out);
  } else {
    bytes = Buffer.from(body, 'latin1');
  }
  return bytes.toString('utf8');
}

function leafTexts(raw) {
  const { head, body } = splitEntity(raw);
  const headers = parseHeaders(head);
  const type = headers['content-type'] || 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    const parts = body.split(`--${boundary}`).slice(1);
    const texts = [];
    for (const part of parts) {
      if (part.startsWith('--')) break;
      texts.push(...leafTexts(part.replace(/^\r?\n/, '')));
    }
    return texts;
  }
  return [decodeBody(body, headers['content-transfer-encoding'])];
}

/** `{ headers, text }`: the top-level headers (lower-case names) and all text parts, decoded. */
export function parseMail(raw) {
  const { head } = splitEntity(raw);
  return { headers: parseHeaders(head), text: leafTexts(raw).join('\n') };
}
