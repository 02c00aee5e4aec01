// Browser test of the puzzle editor: the first maze level played without an account in the
// real Blockly workspace, judged by the server, then carried into a new account; and the
// editor's files, which Kodlek serves itself. One browser and one fresh server for this file.
// promise ANON-1 promise ANON-2 promise PROG-2

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { buildMoves, corridorLength, waitForEditor, withPage } from './browser.mjs';
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

test('a child solves the first maze without an account, then carries it into a new account', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(browser, server, t, {}, async (page, problems) => {
    await page.goto('/levels/maze-1?lang=en');
    await page.locator('#not-saved-banner').waitFor();
    await waitForEditor(page);
    await page.locator('#stage svg').waitFor();

    // A wrong program first: the server says why, and there is no way on yet.
    await buildMoves(page, 1);
    await page.click('#run-button');
    await page.locator('#result', { hasText: 'did not reach the flag' }).waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('#next-link').isHidden(), true, 'no next link after a failure');
    assert.equal(await page.locator('#run-button').isEnabled(), true, 'Run works again after the run');

    // Reset clears the verdict; then the right program is perfect.
    await page.click('#reset-button');
    assert.equal((await page.locator('#result').innerText()).trim(), '');
    await buildMoves(page, (await corridorLength(page)) - 1);
    await page.click('#run-button');
    await page.locator('#result', { hasText: 'fewest blocks' }).waitFor({ timeout: 30_000 });
    await page.locator('#next-link').waitFor({ state: 'visible' });
    assert.match(await page.locator('#next-link').getAttribute('href'), /\/levels\/maze-2$/);
    const kept = await page.evaluate(() => JSON.parse(localStorage.getItem('kodlek.progress.v1')));
    assert.equal(kept.levels['maze-1'].status, 'perfect');

    // Reloaded, the editor starts from the program this browser remembers.
    await page.reload();
    await waitForEditor(page);
    const remembered = await page.evaluate(
      () => window.kodlekWorkspace.getAllBlocks(false).filter((b) => b.type === 'maze_move_forward').length,
    );
    assert.equal(remembered, await corridorLength(page));

    // The course map shows it, from the browser's memory.
    await page.goto('/courses/maze-intro');
    await page.locator('a.level-bubble[data-level-id="maze-1"][data-status="perfect"]').waitFor();

    // Sign up; the progress is offered, carried and re-judged by the server.
    await page.goto('/sign-up/student');
    const form = page.locator('form#sign-up-form');
    await form.locator('[name=display_name]').fill('Maze Kid');
    await form.locator('[name=age]').fill('8');
    await form.locator('[name=email]').fill(`maze.kid.${Date.now()}@example.org`);
    const parentEmail = `maze.parent.${Date.now()}@example.net`;
    await form.locator('[name=parent_email]').fill(parentEmail);
    await form.locator('[name=password]').fill('correct horse battery');
    await Promise.all([page.waitForURL((u) => u.pathname === '/account'), form.locator('button[type=submit]').click()]);
    await parentGrants(parentEmail);
    await page.goto('/courses/maze-intro');
    await page.locator('#carry-progress').waitFor({ state: 'visible' });
    await Promise.all([page.waitForEvent('load'), page.click('#carry-button')]);
    const bubble = page.locator('a.level-bubble[data-level-id="maze-1"]');
    await bubble.waitFor();
    assert.match((await bubble.getAttribute('data-status')) ?? '', /^(perfect|passed)$/);
    assert.equal(await page.evaluate(() => localStorage.getItem('kodlek.progress.v1')), null);
    assert.equal(await page.locator('#carry-progress').isHidden(), true);

    // Back on the level, the learner sees their own code, now from the server.
    await page.goto('/levels/maze-1');
    await waitForEditor(page);
    assert.equal(await page.locator('#not-saved-banner').count(), 0);
    const moves = await page.evaluate(
      () => window.kodlekWorkspace.getAllBlocks(false).filter((b) => b.type === 'maze_move_forward').length,
    );
    assert.equal(moves, await corridorLength(page));

    assert.deepEqual(problems, [], 'no script errors, CSP violations or requests to other sites');
  }),
);

test('a stuck child gets a hint; a solved level celebrates and the keyboard goes on to the next (in Swedish)', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(browser, server, t, { locale: 'sv-SE' }, async (page, problems) => {
    await page.goto('/levels/maze-2?lang=sv');
    await waitForEditor(page);
    const { courses } = await (await fetch(`${server.baseURL}/api/v1/courses`)).json();
    const total = courses.find((c) => c.id === 'maze-intro').level_count;
    assert.equal((await page.locator('#level-place').innerText()).trim(), `Nivå 2 av ${total}`);
    assert.equal(await page.locator('#hint').isHidden(), true, 'no hint before a try');

    // A failed try brings the first hint; the button brings the next, then has no more.
    await buildMoves(page, 1);
    await page.click('#run-button');
    await page.locator('#result[data-verdict=failed]').waitFor({ timeout: 30_000 });
    await page.locator('#hint', { hasText: 'Ledtråd 1 av 2' }).waitFor();
    await page.click('#hint-button');
    await page.locator('#hint', { hasText: 'Ledtråd 2 av 2' }).waitFor();
    assert.equal(await page.locator('#hint-button').isDisabled(), true);
    assert.equal(await page.locator('#celebration').isHidden(), true, 'no stars for a failure');

    // Start over leaves only "när start"; the sound can be turned off and stays off.
    await page.click('#start-over-button');
    const left = await page.evaluate(() => window.kodlekWorkspace.getAllBlocks(false).map((b) => b.type));
    assert.deepEqual(left, ['when_run']);
    await page.click('#sound-button');
    assert.equal(await page.locator('#sound-button').getAttribute('aria-pressed'), 'false');
    assert.equal(await page.evaluate(() => localStorage.getItem('kodlek.sound')), 'off');

    // The right program: stars, the verdict, and the focus on "Nästa nivå".
    await page.evaluate(() => {
      const ws = window.kodlekWorkspace;
      const start = ws.getTopBlocks(false).find((b) => b.type === 'when_run');
      let prev = start;
      for (const step of ['F', 'F', 'R', 'F', 'F']) {
        const block = ws.newBlock(step === 'F' ? 'maze_move_forward' : 'maze_turn');
        if (step === 'R') block.setFieldValue('turnRight', 'DIR');
        block.initSvg();
        block.render();
        prev.nextConnection.connect(block.previousConnection);
        prev = block;
      }
    });
    await page.click('#run-button');
    await page.locator('#result[data-verdict=perfect]').waitFor({ timeout: 30_000 });
    await page.locator('#celebration').waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'next-link');
    await Promise.all([page.waitForURL((u) => u.pathname === '/levels/maze-3'), page.keyboard.press('Enter')]);

    assert.deepEqual(problems, [], 'no script errors, CSP violations or requests to other sites');
  }),
);

for (const viewport of [{ width: 1366, height: 768 }, { width: 1280, height: 800 }]) {
  test(`at ${viewport.width}x${viewport.height} Run, the verdict and the whole stage are on the first screen of every level`, { timeout: TEST_TIMEOUT }, (t) =>
    withPage(browser, server, t, { viewport }, async (page) => {
      const ids = [];
      for (const course of ['maze-intro', 'artist-intro']) {
        const doc = await (await fetch(`${server.baseURL}/api/v1/courses/${course}`)).json();
        for (const lesson of doc.course.lessons) for (const level of lesson.levels) if (level.kind === 'maze' || level.kind === 'artist') ids.push(level.id);
      }
      assert.ok(ids.length >= 20, `${ids.length} puzzle levels`);
      for (const id of ids) {
        await page.goto(`/levels/${id}`);
        await waitForEditor(page);
        // The worst case: a hint and a verdict shown above the puzzle.
        await page.evaluate(() => {
          for (const id of ['hint', 'result']) {
            const el = document.getElementById(id);
            el.textContent = 'Hint 1 of 2: count the squares to the corner first, then turn.';
            el.hidden = false;
          }
        });
        for (const selector of ['#run-button', '#result', '#stage', '#blockly-area']) {
          const box = await page.locator(selector).boundingBox();
          assert.ok(box.y >= 0 && box.y + box.height <= viewport.height, `${id}: ${selector} ends at ${Math.round(box.y + box.height)}`);
        }
      }
    }));
}

test("the editor's files come from Kodlek itself, with their types", { timeout: TEST_TIMEOUT }, async () => {
  const cases = [
    ['/static/dist/level.js', 'text/javascript'],
    ['/static/dist/common.js', 'text/javascript'],
    ['/static/dist/blockly.css', 'text/css'],
    ['/static/blockly-media/sprites.svg', 'image/svg+xml'],
    ['/static/blockly-media/click.mp3', 'audio/mpeg'],
  ];
  for (const [path, type] of cases) {
    const res = await fetch(`${server.baseURL}${path}`);
    assert.equal(res.status, 200, path);
    assert.ok(res.headers.get('content-type').startsWith(type), `${path}: ${res.headers.get('content-type')}`);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=3600', path);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    assert.ok((await res.arrayBuffer()).byteLength > 0, path);
  }
  // The bundles go out compressed at build time, in the best encoding the browser takes.
  for (const [accept, coding] of [['gzip, deflate, br', 'br'], ['gzip', 'gzip'], ['identity', null]]) {
    const res = await fetch(`${server.baseURL}/static/dist/level.js`, { headers: { 'Accept-Encoding': accept } });
    assert.equal(res.status, 200, accept);
    assert.equal(res.headers.get('content-encoding'), coding, accept);
    assert.equal(res.headers.get('vary'), 'accept-encoding', accept);
    assert.match(await res.text(), /Blockly/, accept);
  }
  for (const path of ['/static/dist/nothing.js', '/static/blockly-media/nothing.png']) {
    const res = await fetch(`${server.baseURL}${path}`);
    assert.equal(res.status, 404, path);
    assert.equal((await res.json()).error.code, 'not_found', path);
  }
});
