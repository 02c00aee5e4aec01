// Accessibility of every kind of page, in English and in Swedish: the public pages, a level of
// each course, the forms of an account, and each page of a teacher's section with a child in
// it. `withPage` runs axe-core on every page reached; any violation of any impact fails.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { submit, withPage } from './browser.mjs';
import { chromiumOptions, startServer } from './server.mjs';

const TEST_TIMEOUT = 300_000;

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

const PUBLIC_PAGES = [
  '/',
  '/courses',
  '/courses/maze-intro',
  '/courses/artist-intro',
  '/levels/maze-1',
  '/levels/artist-1',
  '/sign-in',
  '/sign-in/code',
  '/sign-up',
  '/sign-up/student',
  '/sign-up/teacher',
  '/sign-up/parent',
  '/forgot-password',
  '/privacy',
  '/cookies',
  '/support',
  '/no-such-page',
];

for (const locale of ['en-US', 'sv-SE']) {
  test(`the public pages have no accessibility violations (${locale})`, { timeout: TEST_TIMEOUT }, (t) =>
    withPage(browser, server, t, { locale }, async (page) => {
      for (const path of PUBLIC_PAGES) {
        const answer = await page.goto(path);
        assert.equal(answer.status(), path === '/no-such-page' ? 404 : 200, `the status of ${path}`);
      }
    }));

  test(`a teacher's pages have no accessibility violations (${locale})`, { timeout: TEST_TIMEOUT }, (t) =>
    withPage(browser, server, t, { locale }, async (page) => {
      const email = `a11y.${locale.toLowerCase()}.${Date.now()}@example.org`;
      await page.goto('/sign-up/teacher');
      const form = 'form#sign-up-form';
      await page.fill(`${form} [name=display_name]`, 'Ms Berg');
      await page.fill(`${form} [name=email]`, email);
      await page.fill(`${form} [name=password]`, 'correct horse battery');
      await submit(page, `${form} button[type=submit]`);
      const mails = await server.waitForMail((m) => (m.headers.to || '').toLowerCase().includes(email) && m.text.includes('/verify-email/'));
      const link = /https?:\/\/[^\s"'<>]+\/verify-email\/[^\s"'<>]+/.exec(mails[0].text)[0].replace(/[.,;)]+$/, '');
      await page.goto(new URL(link).pathname);
      await submit(page, 'form#verify-form button[type=submit]');

      await page.goto('/sections');
      await page.fill('form#new-section-form [name=name]', 'Class 2B');
      await page.selectOption('form#new-section-form [name=course_id]', 'maze-intro');
      await page.check('#login-picture');
      await submit(page, 'form#new-section-form button[type=submit]');
      const section = new URL(page.url()).pathname;
      assert.match(section, /^\/sections\/[0-9a-f]+$/);

      await page.goto(`${section}/students`);
      await page.fill('form#paste-form [name=names]', 'Alva\nBo\n');
      await page.check('#permission-list');
      await submit(page, 'form#paste-form button[type=submit]');
      await page.locator('#created').waitFor();

      for (const tab of ['', '/students', '/settings', '/letter', '/cards', '/delete']) {
        await page.goto(`${section}${tab}`);
      }
      await page.goto(`${section}/students`);
      const studentPath = await page.evaluate(() =>
        [...document.querySelectorAll('a[href*="/students/"]')].map((x) => x.getAttribute('href')).find((href) => /\/students\/[0-9a-f]+$/.test(href)));
      assert.ok(studentPath, 'a link to a student of the section');
      await page.goto(studentPath);
      await page.goto('/account');
      await page.goto('/account/data');
    }));
}
