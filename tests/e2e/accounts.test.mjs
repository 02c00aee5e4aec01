// Accounts in a real browser: sign-up for each role, sign-in and sign-out, the account page,
// the data download, deletion, email verification, the privacy notice, the cookie page, the
// language switch and labelled form fields. One browser and one fresh server for this file.

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { assertAccessible, auditAccessibility } from './browser.mjs';
import { chromiumOptions, startServer } from './server.mjs';

const TEST_TIMEOUT = 180_000;

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

// --- helpers ---

let counter = 0;
/** A unique, lower-case address for this run. */
function uniqueEmail(who) {
  counter += 1;
  return `${who}.${Date.now().toString(36)}.${counter}@example.org`;
}

/**
 * Runs `body(page, context)` in a fresh browser context (no cookies), and on failure adds
 * what the page showed and what the server logged to the error.
 */
async function withPage(t, { locale = 'en-US' } = {}, body) {
  const context = await browser.newContext({ baseURL: server.baseURL, locale, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const inaccessible = auditAccessibility(page);
  page.setDefaultNavigationTimeout(60_000);
  const browserProblems = [];
  page.on('pageerror', (err) => browserProblems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') browserProblems.push(`console error: ${msg.text()}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 500) browserProblems.push(`${res.status()} for ${res.request().method()} ${res.url()}`);
  });
  try {
    await body(page, context);
    assertAccessible(inaccessible);
  } catch (err) {
    let text = '(could not read the page)';
    try {
      text = (await page.locator('body').innerText({ timeout: 2_000 })).slice(0, 3_000);
    } catch {
      // the page may be gone; report the rest anyway
    }
    const where = (err.stack || '')
      .split('\n')
      .filter((line) => line.includes('accounts.test.mjs'))
      .map((line) => line.trim())
      .join('\n');
    const report = [
      `${err.message}`,
      `--- at:\n${where}`,
      `--- test: ${t.name}`,
      `--- page URL: ${page.url()}`,
      `--- page text:\n${text}`,
      browserProblems.length ? `--- browser:\n${browserProblems.join('\n')}` : '',
      `--- server log (last lines):\n${server.logTail(30)}`,
    ].join('\n');
    throw new Error(report, { cause: err });
  } finally {
    await context.close();
  }
}

/** Clicks a submit button and waits for the page that the form leads to. */
async function submit(page, buttonSelector) {
  const button = page.locator(buttonSelector).filter({ visible: true }).first();
  const loaded = page.waitForEvent('load');
  await button.click();
  await loaded;
}

/** Clicks a link and waits for the page it leads to. */
async function follow(page, linkSelector) {
  const link = page.locator(linkSelector).filter({ visible: true }).first();
  await link.waitFor({ state: 'visible' });
  const loaded = page.waitForEvent('load');
  await link.click();
  await loaded;
}

const atPath = (pathname) => (url) => url.pathname === pathname;

/** The page is at `pathname` (any query string); a client-side redirect gets a moment. */
async function expectPath(page, pathname, why = '') {
  try {
    await page.waitForURL(atPath(pathname), { timeout: 5_000 });
  } catch {
    assert.fail(`expected to be at ${pathname}${why ? ` (${why})` : ''}, but the page is ${page.url()}`);
  }
}

async function htmlLang(page) {
  return page.locator('html').getAttribute('lang');
}

async function bodyText(page) {
  return page.locator('body').innerText();
}

async function expectText(page, needle) {
  const text = await bodyText(page);
  assert.ok(text.includes(needle), `expected the page to show ${JSON.stringify(needle)}`);
}

/** Waits for a visible element with `role` that says something, and returns its text. */
async function roleText(page, role) {
  const el = page.locator(`[role=${role}]`).filter({ visible: true, hasText: /\S/ }).first();
  try {
    await el.waitFor({ state: 'visible', timeout: 10_000 });
  } catch {
    assert.fail(`expected a visible, non-empty [role=${role}] message on ${page.url()}`);
  }
  return (await el.innerText()).trim();
}

/** A link to `pathname`, with or without a query string. */
const linkTo = (pathname, scope = '') =>
  `${scope} a[href="${pathname}"], ${scope} a[href^="${pathname}?"]`.trim();

/** Fills a field in `form` by name, whatever its element (input or textarea). */
async function fill(page, form, name, value) {
  await page.locator(`${form} [name="${name}"]`).first().fill(String(value));
}

/** Cookies that `action` set or changed, as Playwright reports them. */
async function cookiesSetBy(context, action) {
  const before = new Map((await context.cookies()).map((c) => [c.name, c.value]));
  await action();
  return (await context.cookies()).filter((c) => before.get(c.name) !== c.value);
}

async function signIn(page, login, password, { rememberMe = false } = {}) {
  await page.goto('/sign-in');
  await fill(page, 'form#sign-in-form', 'login', login);
  await fill(page, 'form#sign-in-form', 'password', password);
  if (rememberMe) await page.locator('form#sign-in-form input[name=remember_me]').check();
  await submit(page, 'form#sign-in-form button[type=submit]');
}

async function signUpStudent(page, { name, age, email, password }) {
  await page.goto('/sign-up/student?lang=en');
  await fill(page, 'form#sign-up-form', 'display_name', name);
  await fill(page, 'form#sign-up-form', 'age', age);
  await fill(page, 'form#sign-up-form', 'email', email);
  await fill(page, 'form#sign-up-form', 'password', password);
  await submit(page, 'form#sign-up-form button[type=submit]');
  await expectPath(page, '/account');
}

/** Paths of the files under `dir` (the database and its WAL, the outbox, ...) that hold `needle`. */
async function filesContaining(dir, needle) {
  const hits = [];
  const wanted = Buffer.from(needle, 'utf8');
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    let bytes;
    try {
      bytes = await readFile(file);
    } catch (err) {
      if (err.code === 'ENOENT') continue; // a temporary file that came and went
      throw err;
    }
    if (bytes.includes(wanted)) hits.push(path.relative(dir, file));
  }
  return hits;
}

/** Finds `key: value` anywhere in a parsed JSON document. */
function hasKeyValue(doc, key, value) {
  if (Array.isArray(doc)) return doc.some((item) => hasKeyValue(item, key, value));
  if (doc && typeof doc === 'object') {
    return Object.entries(doc).some(([k, v]) => (k === key && v === value) || hasKeyValue(v, key, value));
  }
  return false;
}

// --- the tests ---

/**
 * A parent says yes to a child's own account, through the link in their mail (promise U13-7:
 * a child under 13 signs up with a parent's address, and nothing is kept until the yes).
 */
async function parentGrants(parentEmail) {
  const mails = await server.waitForMail(
    (m) => (m.headers.to || '').toLowerCase().includes(parentEmail) && m.text.includes('/permissions/'),
  );
  const token = /\/permissions\/([A-Za-z0-9_-]+)/.exec(mails[mails.length - 1].text)[1];
  const res = await fetch(`${server.baseURL}/api/v1/permissions/${token}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ decision: 'grant' }),
  });
  assert.equal(res.status, 200, 'the parent grants the permission');
}

// promise ACCT-1 (a student signs up with a display name and an age, never a birth date)
// promise RIGHTS-1 (download everything: a JSON file and a human-readable page)
// promise RIGHTS-2 (delete the account: signing in with it fails afterwards)
// promise TECH-2 (without "remember me" the session cookie ends with the browser)
// promise U13-2 (the child's address is in no file of the data directory and no log line)
test('a student signs up, signs out and in, edits, downloads and deletes the account', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(t, {}, async (page, context) => {
    const name = 'Cool Coder';
    const newName = 'Cooler Coder';
    const age = 10;
    const email = uniqueEmail('student');
    const password = 'correct horse battery staple';

    await page.goto('/?lang=en');
    assert.equal(await htmlLang(page), 'en');
    await follow(page, linkTo('/sign-up'));
    await expectPath(page, '/sign-up');
    await follow(page, linkTo('/sign-up/student'));
    await expectPath(page, '/sign-up/student');

    const form = 'form#sign-up-form';
    assert.equal(await page.locator(`${form} input[name=age]`).count(), 1, 'the form asks for an age');
    assert.equal(
      await page.locator(`${form} input[type=date], ${form} [name*=birth i], ${form} [name=dob i]`).count(),
      0,
      'the student sign-up form must not ask for a birth date',
    );
    await fill(page, form, 'display_name', name);
    await fill(page, form, 'age', age);
    await fill(page, form, 'email', email);
    const parentEmail = uniqueEmail('parent');
    await fill(page, form, 'parent_email', parentEmail);
    await fill(page, form, 'password', password);
    await submit(page, `${form} button[type=submit]`);
    await expectPath(page, '/account');
    await expectText(page, name);
    await parentGrants(parentEmail);

    // A 10-year-old's address is kept only as a keyed hash: not in the database files, the
    // outbox or the log. Nor is the password.
    for (const [what, secret] of [['the child\'s email address', email], ['the password', password]]) {
      const files = await filesContaining(server.dataDir, secret);
      assert.deepEqual(files, [], `${what} is in no file of the data directory`);
      assert.ok(!server.logIncludes(secret), `${what} is in no line of the server log`);
    }

    // Sign out, and the account page is closed.
    await submit(page, 'form#sign-out-form button[type=submit]');
    await expectPath(page, '/');
    await page.goto('/account');
    await expectPath(page, '/sign-in', 'the account page needs a signed-in user');

    // Sign in again with the address; the session cookie has no expiry date.
    const sessionCookies = await cookiesSetBy(context, () => signIn(page, email, password));
    await expectPath(page, '/account');
    await expectText(page, name);
    const httpOnly = sessionCookies.filter((c) => c.httpOnly);
    assert.ok(httpOnly.length > 0, `signing in sets an HttpOnly cookie (set: ${JSON.stringify(sessionCookies)})`);
    for (const cookie of httpOnly) {
      assert.equal(cookie.expires, -1, `cookie ${cookie.name} must end with the browser without "remember me"`);
      assert.equal(cookie.sameSite, 'Lax', `cookie ${cookie.name} is SameSite=Lax`);
    }

    // Correct the display name.
    await fill(page, 'form#profile-form', 'display_name', newName);
    await submit(page, 'form#profile-form button[type=submit]');
    await expectPath(page, '/account');
    await roleText(page, 'status');
    await expectText(page, newName);

    // Download the data: a JSON file ...
    const exportLink = page.locator('a#export-json');
    assert.equal(new URL(await exportLink.getAttribute('href'), server.baseURL).pathname, '/account/export.json');
    const downloading = page.waitForEvent('download');
    await exportLink.click();
    const download = await downloading;
    const file = await download.path();
    assert.ok(file, `the download failed: ${await download.failure()}`);
    const exported = JSON.parse(await readFile(file, 'utf8'));
    assert.ok(JSON.stringify(exported).includes(newName), 'the export holds the new display name');
    assert.ok(hasKeyValue(exported, 'age', age), `the export holds "age": ${age}`);

    // ... and a page for people.
    const pageLink = page.locator('a#export-page');
    assert.equal(new URL(await pageLink.getAttribute('href'), server.baseURL).pathname, '/account/data');
    await follow(page, 'a#export-page');
    await expectPath(page, '/account/data');
    await expectText(page, newName);

    // Delete the account.
    await page.goto('/account');
    await fill(page, 'form#delete-form', 'password', password);
    await submit(page, 'form#delete-form button[type=submit]');
    await expectPath(page, '/');
    await roleText(page, 'status');

    // The credentials no longer open anything.
    await signIn(page, email, password);
    await expectPath(page, '/sign-in', 'signing in to a deleted account fails');
    await roleText(page, 'alert');
    await page.goto('/account');
    await expectPath(page, '/sign-in', 'nobody is signed in');
  }));

// promise TECH-2 (with "remember me" the session cookie is a persistent one of 30 days)
test('"remember me" gives a persistent session cookie', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(t, {}, async (page, context) => {
    const email = uniqueEmail('remember');
    const password = 'a long enough password';
    await signUpStudent(page, { name: 'Remembered', age: 14, email, password });
    await context.clearCookies();

    const cookies = await cookiesSetBy(context, () => signIn(page, email, password, { rememberMe: true }));
    // promise NOTICE-3: an unanswered consent question comes first; answering leads on.
    await expectPath(page, '/consent');
    await submit(page, 'form#consent-form button[value=no]');
    await expectPath(page, '/account');
    await expectText(page, 'Your answer: no.');
    const persistent = cookies.filter((c) => c.httpOnly && c.expires > 0);
    assert.ok(persistent.length > 0, `a persistent HttpOnly cookie is set (set: ${JSON.stringify(cookies)})`);
    const days = (persistent[0].expires - Date.now() / 1000) / 86_400;
    assert.ok(days > 29 && days <= 30.01, `the persistent cookie lasts 30 days, not ${days.toFixed(2)}`);
  }));

test('a teacher signs up in Swedish and verifies the email address', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(t, {}, async (page) => {
    const email = uniqueEmail('teacher');
    const name = 'Lärare Åsa';

    await page.goto('/?lang=sv');
    assert.equal(await htmlLang(page), 'sv');
    await follow(page, linkTo('/sign-up'));
    await expectPath(page, '/sign-up');
    await follow(page, linkTo('/sign-up/teacher'));
    await expectPath(page, '/sign-up/teacher');
    assert.equal(await htmlLang(page), 'sv', 'the sign-up page stays in Swedish');

    const form = 'form#sign-up-form';
    await fill(page, form, 'display_name', name);
    await fill(page, form, 'email', email);
    await fill(page, form, 'password', 'ett riktigt bra lösenord');
    for (const [field, value] of [
      ['school_name', 'Björkskolan'],
      ['school_address', 'Skolvägen 1, 123 45 Småstad'],
    ]) {
      if ((await page.locator(`${form} [name=${field}]`).count()) > 0) await fill(page, form, field, value);
    }
    await submit(page, `${form} button[type=submit]`);
    await expectPath(page, '/account');
    assert.equal(await htmlLang(page), 'sv', 'the account page is in Swedish');
    await expectText(page, name);
    assert.equal(await page.locator('#email-unverified').count(), 1, 'the account page says the address is unverified');

    // One verification mail, with its link.
    const isForTeacher = (m) => (m.headers.to || '').toLowerCase().includes(email);
    const mails = await server.waitForMail((m) => isForTeacher(m) && m.text.includes('/verify-email/'));
    assert.equal(mails.length, 1, 'exactly one verification mail');
    assert.equal((await server.readOutbox()).filter(isForTeacher).length, 1, 'one mail to the teacher');
    const link = /https?:\/\/[^\s"'<>]+\/verify-email\/[^\s"'<>]+/.exec(mails[0].text)?.[0]?.replace(/[.,;)]+$/, '');
    assert.ok(link, `a verification link in the mail:\n${mails[0].text}`);
    const target = new URL(link);
    assert.equal(target.origin, server.baseURL, 'the link points at the public URL');

    // Opening the link only shows a form; submitting it verifies.
    await page.goto(target.pathname + target.search);
    await page.locator('form#verify-form button[type=submit]').waitFor({ state: 'visible' });
    await submit(page, 'form#verify-form button[type=submit]');
    await roleText(page, 'status');

    await page.goto('/account');
    await expectPath(page, '/account');
    assert.equal(await page.locator('#email-unverified').count(), 0, 'no "unverified" notice any more');
  }));

test('a parent signs up and sees the account page', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(t, {}, async (page) => {
    const name = 'Parent Pat';
    await page.goto('/sign-up/parent');
    const form = 'form#sign-up-form';
    assert.equal(await page.locator(`${form} [name=age]`).count(), 0, 'a parent is not asked for an age');
    await fill(page, form, 'display_name', name);
    await fill(page, form, 'email', uniqueEmail('parent'));
    await fill(page, form, 'password', 'parents need passwords too');
    await submit(page, `${form} button[type=submit]`);
    await expectPath(page, '/account');
    await expectText(page, name);
  }));

// promise NOTICE-1 (the notice in English and Swedish, with its revision date; English binds)
test('the privacy notice is linked from the home page, dated, and in Swedish too', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(t, {}, async (page) => {
    const revisionDate = async () => {
      const time = page.locator('time').first();
      await time.waitFor({ state: 'visible' });
      const value = (await time.getAttribute('datetime')) || (await time.innerText());
      assert.match(value, /\d{4}-\d{2}-\d{2}/, 'the notice shows its date of last revision');
      return value;
    };

    await page.goto('/?lang=en');
    await follow(page, linkTo('/privacy', 'footer'));
    await expectPath(page, '/privacy');
    assert.equal(await htmlLang(page), 'en');
    await revisionDate();

    await page.goto('/privacy?lang=sv');
    assert.equal(await htmlLang(page), 'sv');
    const note = page.locator('#binding-note');
    await note.waitFor({ state: 'visible' });
    assert.match(await note.innerText(), /engelsk/i, 'the Swedish notice says the English text is binding');
    await revisionDate();
  }));

// promise TECH-2 (the cookies are documented on a cookie page)
test('the cookie page is linked from the footer', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(t, {}, async (page) => {
    await page.goto('/?lang=en');
    await follow(page, linkTo('/cookies', 'footer'));
    await expectPath(page, '/cookies');
    const text = await bodyText(page);
    assert.match(text, /session/i, 'the cookie page describes the session cookie');
  }));

test('the language switch goes to Swedish and back, on the same page', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(t, {}, async (page) => {
    for (const start of ['/', '/sign-in', '/privacy']) {
      await page.goto(`${start}?lang=en`);
      assert.equal(await htmlLang(page), 'en', `${start} starts in English`);
      await follow(page, 'a[hreflang=sv]');
      await expectPath(page, start);
      assert.equal(await htmlLang(page), 'sv', `${start} switched to Swedish`);
      await follow(page, 'a[hreflang=en]');
      await expectPath(page, start);
      assert.equal(await htmlLang(page), 'en', `${start} switched back to English`);
    }
  }));

test('every form field on the sign-in and sign-up pages has a label', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(t, {}, async (page) => {
    for (const path of ['/sign-in', '/sign-up/student', '/sign-up/teacher', '/sign-up/parent']) {
      await page.goto(path);
      const fields = await page
        .locator('form input:not([type=hidden]):not([type=submit]):not([type=button]), form select, form textarea')
        .evaluateAll((els) => els.map((el) => ({ name: el.getAttribute('name'), id: el.id })));
      assert.ok(fields.length > 0, `${path} has form fields`);
      for (const field of fields) {
        assert.ok(field.id, `${path}: field ${field.name} has an id`);
        const labels = await page.locator(`label[for="${field.id}"]`).count();
        assert.ok(labels > 0, `${path}: field ${field.name} (#${field.id}) has a <label for>`);
      }
    }

    // The sign-in form can be reached with the keyboard alone.
    await page.goto('/sign-in');
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.getAttribute('name') === 'login');
    }
    assert.ok(reached, 'Tab reaches the login field');
  }));
