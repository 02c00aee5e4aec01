// Support in a real browser: from any page's footer to the support form, a mistake shown on
// the page with the typed text kept, then the thank-you page; on a phone-sized screen and on
// a 1366x768 laptop. One browser and one fresh server for this file.

import assert from 'node:assert/strict';
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

const VIEWPORTS = [
  { name: 'a phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
  { name: 'a 1366x768 laptop', viewport: { width: 1366, height: 768 } },
];

/** Runs `body(page)` in a fresh context; on failure, adds the page's text and the server log. */
async function withPage(t, options, body) {
  const context = await browser.newContext({ baseURL: server.baseURL, locale: 'en-US', ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const inaccessible = auditAccessibility(page);
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 500) problems.push(`${res.status()} for ${res.url()}`);
  });
  try {
    await body(page);
    assertAccessible(inaccessible);
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

async function clickAndLoad(page, locator) {
  const loaded = page.waitForEvent('load');
  await locator.click();
  await loaded;
}

for (const { name, ...options } of VIEWPORTS) {
  // promise MSG-3
  test(`a support request goes from the footer link on ${name}`, { timeout: TEST_TIMEOUT }, async (t) => {
    await withPage(t, options, async (page) => {
      await page.goto('/courses');
      const link = page.locator('footer a#footer-support');
      await link.scrollIntoViewIfNeeded();
      assert.ok(await link.isVisible(), 'the footer shows the support link');
      await clickAndLoad(page, link);
      assert.equal(new URL(page.url()).pathname, '/support');

      const form = page.locator('#support-form');
      const submit = form.locator('button[type=submit]');
      // The form fits the screen: nothing to scroll sideways, the button within reach.
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= options.viewport.width, `no sideways scrolling (${width}px)`);

      await form.locator('select[name=topic]').selectOption('bug');
      await form.locator('textarea[name=message]').fill('The maze does not start on my tablet.');
      await form.locator('input[name=reply_to]').fill('not-an-address');
      await clickAndLoad(page, submit);
      const alert = page.locator('[role=alert]');
      assert.match(await alert.innerText(), /email address/);
      assert.equal(
        await form.locator('textarea[name=message]').inputValue(),
        'The maze does not start on my tablet.',
        'the message is kept',
      );
      assert.equal(await form.locator('select[name=topic]').inputValue(), 'bug');

      await form.locator('input[name=reply_to]').fill('parent@example.org');
      await clickAndLoad(page, submit);
      assert.equal(new URL(page.url()).pathname, '/support/sent');
      assert.match(await page.locator('h1').innerText(), /Thank you/);
    });
  });
}
