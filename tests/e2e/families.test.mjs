// Browser test of families: a child of 9 signs up with a parent's address and plays without
// anything being kept; the parent follows the emailed link, says yes, makes a parent account
// and links with the code the page gives; the child's next solved level shows on the
// parent's page. One browser and one fresh server for this file.
// promise U13-7

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { buildMoves, corridorLength, submit, waitForEditor, withPage } from './browser.mjs';
import { chromiumOptions, startServer } from './server.mjs';

const TEST_TIMEOUT = 240_000;
const PASSWORD = 'correct horse battery';

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

/** The path of the last link to `prefix` in a mail to `to`. */
async function linkIn(to, prefix) {
  const mails = await server.waitForMail(
    (m) => (m.headers.to || '').toLowerCase().includes(to) && m.text.includes(prefix),
  );
  const re = new RegExp(`https?://[^\\s"'<>]+${prefix.replace(/\//g, '\\/')}[A-Za-z0-9_-]+`);
  return new URL(re.exec(mails[mails.length - 1].text)[0]).pathname;
}

/** Solves the first maze; `build` false runs the program the editor opened with. */
async function solveFirstMaze(page, { build = true } = {}) {
  await page.goto('/levels/maze-1?lang=en');
  await waitForEditor(page);
  if (build) await buildMoves(page, await corridorLength(page));
  await page.click('#run-button');
  await page.locator('#result', { hasText: 'fewest blocks' }).waitFor({ timeout: 30_000 });
}

test('a parent grants a child\'s own account, links, and sees the next solved level', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(browser, server, t, {}, async (child, childProblems) => {
    const stamp = Date.now();
    const parentEmail = `pat.${stamp}@example.net`;

    // The child signs up with a parent's address: the account waits for the parent.
    await child.goto('/sign-up/student?lang=en');
    const form = 'form#sign-up-form';
    await child.fill(`${form} [name=display_name]`, 'Kim');
    await child.fill(`${form} [name=age]`, '9');
    await child.fill(`${form} [name=email]`, `kim.${stamp}@example.org`);
    await child.fill(`${form} [name=parent_email]`, parentEmail);
    await child.fill(`${form} [name=password]`, PASSWORD);
    await submit(child, `${form} button[type=submit]`);
    await child.locator('#family-awaiting').waitFor();

    // Until the parent says yes, a solved level stays in the browser only.
    await solveFirstMaze(child);
    await child.locator('#not-kept-banner').waitFor();
    const kept = await child.evaluate(() => JSON.parse(localStorage.getItem('kodlek.progress.v1')));
    assert.equal(kept.levels['maze-1'].status, 'perfect', 'the browser keeps the verdict');
    const unsaved = await child.evaluate(async () => (await fetch('/api/v1/me/progress')).json());
    assert.deepEqual(unsaved.levels, {}, 'nothing is kept on the server yet');

    await withPage(browser, server, t, {}, async (parent, parentProblems) => {
      // The parent follows the emailed link, reads what is kept, and says yes.
      await parent.goto(await linkIn(parentEmail, '/permissions/'));
      await parent.locator('#permission-grant').waitFor();
      await submit(parent, '#permission-grant');
      const codeText = await parent.locator('#permission-family-code').innerText();
      const code = /[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(codeText)[0];

      // A parent account, its address confirmed, linked with the code.
      await parent.goto('/sign-up/parent?lang=en');
      await parent.fill(`${form} [name=display_name]`, 'Pat');
      await parent.fill(`${form} [name=email]`, parentEmail);
      await parent.fill(`${form} [name=password]`, PASSWORD);
      await submit(parent, `${form} button[type=submit]`);
      await parent.goto(await linkIn(parentEmail, '/verify-email/'));
      await submit(parent, 'form#verify-form button[type=submit]');
      await parent.goto('/account');
      await submit(parent, 'a#to-children');
      await parent.fill('form#link-form [name=code]', code.toLowerCase());
      await submit(parent, 'form#link-form button[type=submit]');
      assert.match(new URL(parent.url()).pathname, /^\/parents\/children\/[0-9a-f]+$/);
      const childPage = parent.url();

      // Granted, the child's course map offers to carry what the browser kept; the server
      // judges each carried program again.
      await child.goto('/courses/maze-intro');
      await child.locator('#carry-progress').waitFor({ state: 'visible' });
      await Promise.all([child.waitForEvent('load'), child.click('#carry-button')]);
      await child.locator('a.level-bubble[data-level-id="maze-1"][data-status="perfect"]').waitFor();

      // The child's next solved level is kept, and shows on the parent's page. The editor
      // opens with the carried program, now the account's own.
      await solveFirstMaze(child, { build: false });
      assert.equal(await child.locator('#not-kept-banner').count(), 0, 'kept from now on');
      await parent.goto(childPage);
      const bubble = parent.locator('a.level-bubble[data-level-id="maze-1"]');
      assert.equal(await bubble.getAttribute('data-status'), 'perfect');
      await submit(parent, 'a.level-bubble[data-level-id="maze-1"]');
      await parent.locator('#attempts pre.blocks').first().waitFor();
      assert.equal(await parent.locator('#attempts li.attempt').count(), 2, 'the carried attempt and the next one');
      assert.deepEqual(parentProblems, [], 'no script errors, CSP violations or requests to other sites');
    });

    // The child's account page names the parent.
    await child.goto('/account');
    await child.locator('#family-parents', { hasText: 'Pat' }).waitFor();
    assert.deepEqual(childProblems, [], 'no script errors, CSP violations or requests to other sites');
  }),
);
