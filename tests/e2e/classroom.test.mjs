// Browser test of a classroom: a teacher signs up, makes a picture section, adds three
// children and opens their sign-in cards; a child signs in with their picture and solves the
// first maze; the teacher's open dashboard shows that level solved without a reload.
// promise CLASS-1 promise CLASS-2 promise PROG-4

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { buildMoves, corridorLength, submit, waitForEditor, withPage } from './browser.mjs';
import { chromiumOptions, startServer } from './server.mjs';

const TEST_TIMEOUT = 240_000;

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

/** Signs up a teacher and confirms the address through the link in the mail. */
async function teacherSignsUp(page, email) {
  await page.goto('/sign-up/teacher');
  const form = 'form#sign-up-form';
  await page.fill(`${form} [name=display_name]`, 'Ms Lind');
  await page.fill(`${form} [name=email]`, email);
  await page.fill(`${form} [name=password]`, 'correct horse battery');
  await submit(page, `${form} button[type=submit]`);
  const mails = await server.waitForMail((m) => (m.headers.to || '').toLowerCase().includes(email) && m.text.includes('/verify-email/'));
  const link = /https?:\/\/[^\s"'<>]+\/verify-email\/[^\s"'<>]+/.exec(mails[0].text)[0].replace(/[.,;)]+$/, '');
  await page.goto(new URL(link).pathname);
  await submit(page, 'form#verify-form button[type=submit]');
}

test('a teacher makes a picture section; a child signs in by picture and the dashboard shows the solved maze', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(browser, server, t, {}, async (teacher, problems) => {
    await teacherSignsUp(teacher, `lind.${Date.now()}@example.org`);

    // A picture section for the maze course.
    await teacher.goto('/sections');
    const form = 'form#new-section-form';
    await teacher.fill(`${form} [name=name]`, 'Class 1C');
    await teacher.selectOption(`${form} [name=course_id]`, 'maze-intro');
    await teacher.check('#login-picture');
    await submit(teacher, `${form} button[type=submit]`);
    const sectionPath = new URL(teacher.url()).pathname;
    assert.match(sectionPath, /^\/sections\/[0-9a-f]+$/, `the new section's page, not ${sectionPath}`);

    // Three children from a pasted list, with the school's permission attested.
    await teacher.goto(`${sectionPath}/students`);
    await teacher.fill('form#paste-form [name=names]', 'Alva\nBo\n\nCleo\n');
    await teacher.check('#permission-list');
    await submit(teacher, 'form#paste-form button[type=submit]');
    await teacher.locator('#created').waitFor();

    // The cards: one per child, each with the address and the secret picture.
    await teacher.goto(`${sectionPath}/cards`);
    const cards = teacher.locator('li.card');
    assert.equal(await cards.count(), 3);
    const alva = cards.filter({ has: teacher.locator('.card-name', { hasText: 'Alva' }) });
    const picture = /\/static\/pictures\/([a-z-]+)\.svg$/.exec(await alva.locator('.card-picture img').getAttribute('src'))[1];
    const signInAddress = new URL((await alva.locator('.card-url').innerText()).trim());
    assert.equal(signInAddress.origin, server.baseURL);
    assert.equal(await alva.locator('.card-picture img').evaluate((img) => img.naturalWidth > 0), true, 'the picture shows');

    // The teacher opens the dashboard before the class plays and leaves it open.
    await teacher.goto(sectionPath);
    const row = teacher.locator('#progress-grid tbody tr', { has: teacher.locator('th a', { hasText: 'Alva' }) });
    assert.equal((await row.locator('td').first().innerText()).trim(), '', 'nothing played yet');

    // The child, on another computer: name, then picture.
    await withPage(browser, server, t, {}, async (child, childProblems) => {
      await child.goto(signInAddress.pathname);
      await Promise.all([child.waitForEvent('load'), child.getByRole('link', { name: 'Alva' }).click()]);
      await submit(child, `#picture-form button[name=secret][value="${picture}"]`);
      assert.equal(new URL(child.url()).pathname, '/courses/maze-intro');
      const cookies = await child.context().cookies();
      const session = cookies.find((c) => c.name === 'kodlek_session');
      assert.ok(session, 'signed in');
      assert.equal(session.expires, -1, 'no "remember me": the sign-in ends with the browser');

      await child.goto('/levels/maze-1');
      await waitForEditor(child);
      assert.equal(await child.locator('#not-saved-banner').count(), 0, 'progress is saved for a signed-in child');
      await buildMoves(child, await corridorLength(child));
      await child.click('#run-button');
      await child.locator('#result', { hasText: 'fewest blocks' }).waitFor({ timeout: 30_000 });
      assert.deepEqual(childProblems, [], 'no script errors, CSP violations or requests to other sites');
    });

    // The open dashboard fills in by itself: Alva's first level is solved, shown by class
    // and by symbol.
    const first = row.locator('td').first();
    await teacher.waitForFunction(
      () => [...document.querySelectorAll('#progress-grid tbody tr')].some(
        (tr) => tr.cells[0]?.textContent.includes('Alva') && /^(p|c)$/.test(tr.cells[1]?.className ?? ''),
      ),
      null,
      { timeout: 30_000 },
    );
    assert.match((await first.getAttribute('class')) ?? '', /^(p|c)$/, 'level 1 solved');
    assert.notEqual((await first.innerText()).trim(), '', 'a symbol, not colour alone');
    const bo = teacher.locator('#progress-grid tbody tr', { has: teacher.locator('th a', { hasText: 'Bo' }) });
    assert.equal((await bo.locator('td').first().innerText()).trim(), '', 'Bo has not tried yet');
    assert.deepEqual(problems, [], 'no script errors, CSP violations or requests to other sites');
  }),
);
