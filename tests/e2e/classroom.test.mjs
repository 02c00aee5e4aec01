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
    // The Print button is a real button: the keyboard reaches it and Enter prints.
    await teacher.evaluate(() => {
      window.printed = 0;
      window.print = () => { window.printed += 1; };
    });
    await teacher.locator('#print-cards').focus();
    await teacher.keyboard.press('Enter');
    assert.equal(await teacher.evaluate(() => window.printed), 1, 'Enter on Print prints');

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
    // The square's tooltip names the student and the level, also in the refreshed grid.
    const levelOne = await teacher.locator('#progress-grid thead th').nth(1).getAttribute('data-t');
    await first.hover();
    const tip = await first.evaluate((td) => getComputedStyle(td, '::after').content);
    assert.ok(tip.includes(`Alva · ${levelOne}: 1 tries`), tip);
    assert.deepEqual(problems, [], 'no script errors, CSP violations or requests to other sites');
  }),
);

/** Tags on the page that are cut short: clipped by a box around them, or by their own. */
function cutTags(page) {
  return page.evaluate(() => {
    const cut = [];
    for (const tag of document.querySelectorAll('.nh, .tag-locked')) {
      const r = tag.getBoundingClientRect();
      const what = `"${tag.textContent.trim()}"`;
      if (tag.scrollWidth > tag.clientWidth + 1) cut.push(`${what} is wider than its box`);
      for (let a = tag.parentElement; a && a !== document.body; a = a.parentElement) {
        const cs = getComputedStyle(a);
        if (cs.overflowX === 'visible') continue;
        const box = a.getBoundingClientRect();
        if (r.right > box.right + 1 || r.left < box.left - 1) cut.push(`${what} is clipped by <${a.tagName.toLowerCase()} class="${a.className}">`);
        if (cs.textOverflow === 'ellipsis' && a.scrollWidth > a.clientWidth + 1) cut.push(`${what} ends in "…" in <${a.tagName.toLowerCase()}>`);
      }
    }
    return cut;
  });
}

test('in Swedish: whole "needs help" tags with a locked-out child among them, squares that name student and level, and a one-page letter home', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(browser, server, t, { locale: 'sv-SE' }, async (teacher, problems) => {
    await teacherSignsUp(teacher, `berg.${Date.now()}@example.org`);
    await teacher.goto('/sections');
    const form = 'form#new-section-form';
    await teacher.fill(`${form} [name=name]`, 'Klass 1C');
    await teacher.selectOption(`${form} [name=course_id]`, 'maze-intro');
    await teacher.check('#login-picture');
    await submit(teacher, `${form} button[type=submit]`);
    const sectionPath = new URL(teacher.url()).pathname;
    const sectionId = sectionPath.split('/').pop();
    await teacher.goto(`${sectionPath}/students`);
    // Long names, as real class lists have them.
    const names = ['Alexandra Lindqvist-Öberg', 'Maximilian Johansson', 'Bo', 'Charlotte Wikström'];
    await teacher.fill('form#paste-form [name=names]', names.join('\n'));
    await teacher.check('#permission-list');
    await submit(teacher, 'form#paste-form button[type=submit]');
    await teacher.locator('#created').waitFor();

    const cards = await teacher.evaluate(async (id) => (await fetch(`/api/v1/sections/${id}/sign-in-cards`)).json(), sectionId);
    const code = new URL(cards.sign_in_url).pathname.split('/').pop();
    const wrong = { blocks: { languageVersion: 0, blocks: [{ type: 'when_run', next: { block: { type: 'maze_turn', fields: { DIR: 'turnLeft' } } } }] } };
    for (const card of cards.cards) {
      await withPage(browser, server, t, {}, async (child) => {
        await child.goto(`/sign-in/${code}`);
        const locked = card.display_name === 'Charlotte Wikström';
        const answers = await child.evaluate(async ({ code, card, locked, wrong }) => {
          const post = (url, body) => fetch(url, {
            method: 'POST',
            credentials: 'same-origin',
            headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
            body: JSON.stringify(body),
          }).then((r) => r.status);
          const statuses = [];
          if (locked) {
            // Ten wrong pictures lock the sign-in.
            const other = card.secret.value === 'moon' ? 'star' : 'moon';
            for (let i = 0; i < 10; i += 1) statuses.push(await post(`/api/v1/sign-in/${code}`, { student_id: card.student_id, secret: other }));
            return statuses;
          }
          statuses.push(await post(`/api/v1/sign-in/${code}`, { student_id: card.student_id, secret: card.secret.value }));
          // Stuck on three levels: the tag lists them all.
          for (const level of ['maze-2', 'maze-3', 'maze-4']) {
            for (let i = 0; i < 6; i += 1) statuses.push(await post(`/api/v1/levels/${level}/attempts`, { program: wrong }));
          }
          return statuses;
        }, { code, card, locked, wrong });
        if (!locked) assert.ok(answers.every((s) => s === 200), `${card.display_name}: ${answers}`);
      });
    }

    await teacher.goto(`${sectionPath}?lang=sv`);
    const gridTags = teacher.locator('#progress-grid tbody th .nh');
    assert.equal(await gridTags.count(), 3, 'three children stuck');
    for (const text of await gridTags.allInnerTexts()) assert.match(text.trim(), /^Behöver hjälp med nivå \d+, \d+, \d+$/);
    const locked = teacher.locator('#needs-help .tag-locked');
    assert.equal((await locked.innerText()).trim(), 'utelåst');
    assert.equal(await locked.locator('img').evaluate((img) => img.naturalWidth > 0 && img.alt === 'Lås'), true, 'the lock is a picture with a text');
    assert.equal(await teacher.locator('#needs-help button', { hasText: 'Lås upp' }).count(), 1, 'unlock is right there');
    assert.deepEqual(await cutTags(teacher), [], 'no tag is cut');

    // A square's tooltip, and what a screen reader says for it, name the student and the level.
    const levelTwo = await teacher.locator('#progress-grid thead th').nth(2).getAttribute('data-t');
    assert.match(levelTwo, /^2\. \S/);
    const square = teacher.locator('#progress-grid tbody tr', { has: teacher.locator('th a', { hasText: 'Bo' }) }).locator('td').nth(1);
    await square.hover();
    const tip = await square.evaluate((td) => getComputedStyle(td, '::after').content);
    assert.ok(tip.includes(`Bo · ${levelTwo}: 6 försök`), tip);
    await square.focus();
    const said = await square.getAttribute('aria-label');
    assert.ok(said.includes('Bo') && said.includes(levelTwo), said);
    // On a narrow screen too.
    await teacher.setViewportSize({ width: 800, height: 900 });
    assert.deepEqual(await cutTags(teacher), [], 'no tag is cut on a narrow screen');

    // The letter home prints as one A4 page of letter, its data tables an appendix after it.
    for (const lang of ['sv', 'en']) {
      await teacher.goto(`${sectionPath}/letter?lang=${lang}`);
      await teacher.locator('#print-letter:not([hidden])').waitFor();
      const pages = (pdf) => (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
      const whole = pages(await teacher.pdf({ format: 'A4', preferCSSPageSize: true }));
      await teacher.emulateMedia({ media: 'print' });
      assert.equal(await teacher.locator('#letter-appendix').evaluate((e) => getComputedStyle(e).breakBefore), 'page');
      // Back to no emulation: `page.pdf` prints with the emulated media, and "screen" is not print.
      await teacher.emulateMedia({ media: null });
      await teacher.locator('#letter-appendix').evaluate((e) => e.remove());
      const letter = pages(await teacher.pdf({ format: 'A4', preferCSSPageSize: true }));
      assert.equal(letter, 1, `${lang}: the letter is one page, not ${letter}`);
      assert.ok(whole >= 2 && whole <= 3, `${lang}: the letter and an appendix of one or two pages, not ${whole}`);
    }
    assert.deepEqual(problems, [], 'no script errors, CSP violations or requests to other sites');
  }),
);
