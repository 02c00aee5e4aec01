// Browser test of the staff console: the operator makes a staff member on the command line; the
// staff member signs in with a TOTP code computed from the printed otpauth URI, finds a learner
// by their address, and opens their data with a reason and a ticket; the learner then sees that
// access, with the staff role and the reason, on their account page.
// promise STAFF-1

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { submit, withPage } from './browser.mjs';
import { chromiumOptions, startServer } from './server.mjs';

const TEST_TIMEOUT = 120_000;
const here = path.dirname(fileURLToPath(import.meta.url));

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await chromium.launch(chromiumOptions());
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Runs `kodlek <args>` on the running server's data directory, as an operator would. */
function kodlek(args) {
  const bin = process.env.KODLEK_BIN || path.resolve(here, '../../target/debug/kodlek');
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('KODLEK_')) env[key] = value;
  }
  env.KODLEK_LOG = 'warn';
  const out = spawnSync(bin, [...args, '--data-dir', server.dataDir], { env, encoding: 'utf8' });
  assert.equal(out.status, 0, `kodlek ${args.join(' ')} failed:\n${out.stdout}\n${out.stderr}`);
  return out.stdout;
}

/** RFC 4648 base32 to bytes. */
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    assert.ok(v >= 0, `not base32: ${c}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The RFC 6238 code (HMAC-SHA-1, 6 digits, 30 s) of the otpauth URI's secret, now. */
function totp(uri, now = Date.now()) {
  const url = new URL(uri);
  assert.equal(url.protocol, 'otpauth:');
  const secret = base32(url.searchParams.get('secret'));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(now / 1000 / 30)));
  const mac = createHmac('sha1', secret).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}

test('a staff member signs in with a code, finds a learner and opens their data with a reason; the learner sees it', { timeout: TEST_TIMEOUT }, async (t) => {
  const stamp = Date.now();
  const learnerEmail = `learner.${stamp}@example.org`;
  const reason = 'Support request: the learner asked why their progress is missing';

  // The learner signs up in their own browser.
  await withPage(browser, server, t, {}, async (page) => {
    await page.goto('/sign-up/student?lang=en');
    const form = 'form#sign-up-form';
    await page.fill(`${form} [name=display_name]`, 'Lea Learner');
    await page.fill(`${form} [name=age]`, '15');
    await page.fill(`${form} [name=email]`, learnerEmail);
    await page.fill(`${form} [name=password]`, 'correct horse battery');
    await submit(page, `${form} button[type=submit]`);
    assert.equal(new URL(page.url()).pathname, '/account');
    assert.match(await page.locator('#access-log').innerText(), /Nobody at Kodlek has looked at your data/);
  });

  // The operator makes a staff member while the server runs.
  const printed = kodlek(['staff', 'add', '--email', `support.${stamp}@kodlek.example`, '--display-name', 'Sam Support', '--roles', 'support']);
  const password = /^password: (.+)$/m.exec(printed)?.[1];
  const uri = /(otpauth:\/\/totp\/\S+)/.exec(printed)?.[1];
  assert.ok(password && uri, `the password and the URI are printed:\n${printed}`);
  assert.match(kodlek(['staff', 'list']), /Sam Support\tsupport\t/);

  await withPage(browser, server, t, {}, async (page) => {
    await page.goto('/staff/sign-in?lang=en');
    const form = 'form#staff-sign-in-form';
    await page.fill(`${form} [name=login]`, `support.${stamp}@kodlek.example`);
    await page.fill(`${form} [name=password]`, password);
    await page.fill(`${form} [name=totp]`, totp(uri));
    await submit(page, `${form} button[type=submit]`);
    assert.equal(new URL(page.url()).pathname, '/staff');
    assert.match(await page.locator('#staff-roles').innerText(), /Support/);

    // Find the learner by the address, by keyboard.
    await page.click('#staff-find');
    await page.fill('#q', learnerEmail);
    await Promise.all([page.waitForEvent('load'), page.press('#q', 'Enter')]);
    const found = page.locator('#staff-found a');
    assert.equal(await found.count(), 1);
    assert.equal(await found.innerText(), 'Lea Learner');
    await Promise.all([page.waitForEvent('load'), found.click()]);

    // Nothing personal before a reason is given.
    assert.equal(await page.locator('#staff-user-data').count(), 0);
    assert.ok(!(await page.locator('body').innerText()).includes(learnerEmail));
    await page.fill('form#staff-access-form [name=reason]', reason);
    await page.fill('form#staff-access-form [name=ticket]', 'T-1001');
    await submit(page, 'form#staff-access-form button[type=submit]');
    const data = await page.locator('#staff-user-data').innerText();
    assert.match(data, /Lea Learner/);
    assert.ok(data.includes(learnerEmail), 'an adult learner\'s address is shown once opened');
  });

  // The learner signs in again and sees the access, with the role and the reason, never who.
  await withPage(browser, server, t, {}, async (page) => {
    await page.goto('/sign-in?lang=en');
    await page.fill('form#sign-in-form [name=login]', learnerEmail);
    await page.fill('form#sign-in-form [name=password]', 'correct horse battery');
    await submit(page, 'form#sign-in-form button[type=submit]');
    await page.goto('/account');
    const log = await page.locator('#access-log').innerText();
    assert.match(log, /Looked at your data/);
    assert.match(log, /Support/);
    assert.ok(log.includes(reason), log);
    assert.ok(!log.includes('Sam Support'), 'never the staff member\'s name');
  });

  assert.match(kodlek(['audit', 'verify']), /audit chain intact: 2 entries/);
});

test('a researcher reads the course figures in both languages, and a level few tried shows none', { timeout: TEST_TIMEOUT }, async (t) => {
  const stamp = Date.now();
  const email = `research.${stamp}@kodlek.example`;
  const printed = kodlek(['staff', 'add', '--email', email, '--display-name', 'Rita Research', '--roles', 'research']);
  const password = /^password: (.+)$/m.exec(printed)?.[1];
  const uri = /(otpauth:\/\/totp\/\S+)/.exec(printed)?.[1];
  assert.ok(password && uri, printed);

  await withPage(browser, server, t, {}, async (page) => {
    await page.goto('/staff/sign-in?lang=en');
    const form = 'form#staff-sign-in-form';
    await page.fill(`${form} [name=login]`, email);
    await page.fill(`${form} [name=password]`, password);
    await page.fill(`${form} [name=totp]`, totp(uri));
    await submit(page, `${form} button[type=submit]`);
    assert.equal(await page.locator('#staff-find').count(), 0, 'no user search without the support role');
    await Promise.all([page.waitForEvent('load'), page.click('#staff-research')]);
    await page.kodlekAudit();
    const table = page.locator('#research-levels');
    const rows = table.locator('tbody tr[data-level-id]');
    assert.ok((await rows.count()) >= 40, 'every level of both courses');
    const first = await rows.first().innerText();
    assert.match(first, /fewer than 10/, first);
    assert.match(await page.locator('h1').innerText(), /Course figures/);
    assert.match(await table.locator('tbody[data-course-id=maze-intro] th[scope=rowgroup]').innerText(), /maze/i);
    await page.goto('/staff/research?lang=sv');
    assert.match(await page.locator('h1').innerText(), /Kurssiffror/);
    assert.match(await rows.first().innerText(), /färre än 10/);
  });
});
