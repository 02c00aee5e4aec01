// Media in a real browser: a learner aged 14 finds the page from their account page, uploads a
// picture with the page's script (the file sent as it is), sees it shown from Kodlek itself,
// is told plainly when a file only pretends to be a picture, and deletes it; a child of 10 is
// offered none of it. One browser and one fresh server for this file.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { chromiumOptions, startServer } from './server.mjs';

const TEST_TIMEOUT = 180_000;
const PASSWORD = 'correct horse battery';
// A 1x1 PNG.
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

let server;
let browser;

before(async () => {
  // Children here sign up by themselves as the operator allows with
  // KODLEK_CHILD_SIGN_UP=open; a parent's permission has its own test (families.test.mjs).
  server = await startServer({ env: { KODLEK_CHILD_SIGN_UP: 'open' } });
  browser = await chromium.launch(chromiumOptions());
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Runs `body(page)` in a fresh context; on failure, adds the page's text and the server log. */
async function withPage(t, body) {
  const context = await browser.newContext({ baseURL: server.baseURL, locale: 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/.test(msg.text())) problems.push(msg.text());
  });
  page.on('response', (res) => {
    if (res.status() >= 500) problems.push(`${res.status()} for ${res.url()}`);
  });
  try {
    await body(page);
    assert.deepEqual(problems, [], 'the browser reported no problem');
  } catch (err) {
    let text = '(could not read the page)';
    try {
      text = (await page.locator('body').innerText({ timeout: 2_000 })).slice(0, 2_000);
    } catch {
      // the page may be gone
    }
    throw new Error(
      [err.message, `--- test: ${t.name}`, `--- page URL: ${page.url()}`, `--- page text:\n${text}`,
        `--- server log:\n${server.logTail(20)}`].join('\n'),
      { cause: err },
    );
  } finally {
    await context.close();
  }
}

async function submit(page, locator) {
  const loaded = page.waitForEvent('load');
  await locator.click();
  await loaded;
}

async function signUpStudent(page, { name, age, email }) {
  await page.goto('/sign-up/student?lang=en');
  const form = page.locator('form#sign-up-form');
  await form.locator('[name=display_name]').fill(name);
  await form.locator('[name=age]').fill(String(age));
  await form.locator('[name=email]').fill(email);
  await form.locator('[name=password]').fill(PASSWORD);
  await submit(page, form.locator('button[type=submit]'));
  assert.equal(new URL(page.url()).pathname, '/account');
}

// promise CREATE-4
test('a learner aged 14 uploads a picture, sees it and deletes it', { timeout: TEST_TIMEOUT }, async (t) => {
  await withPage(t, async (page) => {
    await signUpStudent(page, { name: 'Tove', age: 14, email: 'tove@example.org' });
    await submit(page, page.locator('a#media-link'));
    assert.equal(new URL(page.url()).pathname, '/media');
    assert.ok(await page.locator('#media-none').isVisible(), 'nothing uploaded yet');
    const form = page.locator('#media-upload');
    assert.ok(await form.isVisible(), 'the script shows the upload form');
    assert.ok(!(await page.locator('#media-needs-script').isVisible()));

    // A text file named like a picture is refused, and the page says why.
    await form.locator('input[type=file]').setInputFiles({
      name: 'holiday.png', mimeType: 'image/png', buffer: Buffer.from('only some text'),
    });
    await form.locator('button[type=submit]').click();
    const error = page.locator('#media-upload-error');
    await error.waitFor({ state: 'visible' });
    assert.match(await error.innerText(), /Only pictures/);

    await form.locator('input[type=file]').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: PIXEL });
    const loaded = page.waitForURL((url) => url.search === '?done=media-uploaded');
    await form.locator('button[type=submit]').click();
    await loaded;
    const img = page.locator('#media-list img');
    await img.waitFor();
    await page.waitForFunction(() => document.querySelector('#media-list img').complete);
    const width = await img.evaluate((el) => el.naturalWidth);
    assert.equal(width, 1, 'the picture is shown, served by Kodlek');
    assert.match(await page.locator('#media-list').innerText(), /PNG picture/);

    await submit(page, page.locator('#media-list button[type=submit]'));
    assert.equal(new URL(page.url()).search, '?done=media-deleted');
    assert.ok(await page.locator('#media-none').isVisible());
  });
});

// promise U13-4
test('a child of 10 is not offered uploads', { timeout: TEST_TIMEOUT }, async (t) => {
  await withPage(t, async (page) => {
    await signUpStudent(page, { name: 'Kim', age: 10, email: 'kim@example.org' });
    assert.equal(await page.locator('a#media-link').count(), 0, 'no link on the account page');
    const answer = await page.goto('/media');
    assert.equal(answer.status(), 404);
    assert.equal(await page.locator('input[type=file]').count(), 0);
  });
});
