// Browser test of the puzzle editor: the first maze level played without an account in the
// real Blockly workspace, judged by the server, then carried into a new account; and the
// editor's files, which Kodlek serves itself. One browser and one fresh server for this file.
// promise ANON-1 promise ANON-2 promise PROG-2

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
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
 * Runs `body(page, problems)` in a fresh browser context. `problems` collects script errors,
 * console errors (CSP violations among them), failed loads and requests to any other site; on
 * failure they, the page and the server's log are added to the error.
 */
async function withPage(t, body) {
  const context = await browser.newContext({ baseURL: server.baseURL, locale: 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // A failed load is reported below with its address (the browser's own favicon.ico aside).
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console error: ${m.text()}`);
  });
  page.on('response', (r) => {
    const expected = r.status() === 404 && new URL(r.url()).pathname === '/favicon.ico';
    if (r.status() >= 400 && !expected) problems.push(`${r.status()} for ${r.request().method()} ${r.url()}`);
  });
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(server.baseURL) && !url.startsWith('data:')) problems.push(`request to another site: ${url}`);
  });
  try {
    await body(page, problems);
  } catch (err) {
    const text = (await page.locator('body').innerText({ timeout: 2_000 }).catch(() => '')).slice(0, 2_000);
    throw new Error(
      [
        err.message,
        `--- test: ${t.name}`,
        `--- page URL: ${page.url()}`,
        `--- page text:\n${text}`,
        problems.length ? `--- browser:\n${problems.join('\n')}` : '',
        `--- server log (last lines):\n${server.logTail(30)}`,
      ].join('\n'),
      { cause: err },
    );
  } finally {
    await context.close();
  }
}

/** Appends `n` "move forward" blocks under "when run", through Blockly's own API. */
async function buildMoves(page, n) {
  await page.evaluate((count) => {
    const ws = window.kodlekWorkspace;
    const start = ws.getTopBlocks(false).find((b) => b.type === 'when_run');
    let prev = start;
    while (prev.getNextBlock()) prev = prev.getNextBlock();
    for (let i = 0; i < count; i += 1) {
      const block = ws.newBlock('maze_move_forward');
      block.initSvg();
      block.render();
      prev.nextConnection.connect(block.previousConnection);
      prev = block;
    }
  }, n);
}

/**
 * How many cells "move forward" must cover: maze-1 is a straight corridor, so the distance
 * from the start (2) to the goal (3) along their row or column, read from #level-data (the
 * level's reference solution is not public).
 */
async function corridorLength(page) {
  const data = JSON.parse(await page.locator('#level-data').textContent());
  const grid = data.level.maze.grid;
  const at = (v) => {
    for (let y = 0; y < grid.length; y += 1) {
      const x = grid[y].indexOf(v);
      if (x >= 0) return { x, y };
    }
    return null;
  };
  const start = at(2);
  const goal = at(3);
  assert.ok(start && goal, 'maze-1 has a start and a goal');
  assert.ok(start.x === goal.x || start.y === goal.y, 'maze-1 is a straight corridor');
  return Math.abs(goal.x - start.x) + Math.abs(goal.y - start.y);
}

async function waitForEditor(page) {
  await page.waitForFunction(() => window.kodlekWorkspace !== undefined);
  await page.locator('#blockly-area .blocklySvg').first().waitFor();
}

test('a child solves the first maze without an account, then carries it into a new account', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(t, async (page, problems) => {
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
    await form.locator('[name=password]').fill('correct horse battery');
    await Promise.all([page.waitForURL((u) => u.pathname === '/account'), form.locator('button[type=submit]').click()]);
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

test("the editor's files come from Kodlek itself, with their types", { timeout: TEST_TIMEOUT }, async () => {
  const cases = [
    ['/static/dist/level.js', 'text/javascript'],
    ['/static/dist/common.js', 'text/javascript'],
    ['/static/dist/blockly.css', 'text/css'],
    ['/static/blockly-media/sprites.png', 'image/png'],
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
  for (const path of ['/static/dist/nothing.js', '/static/blockly-media/nothing.png']) {
    const res = await fetch(`${server.baseURL}${path}`);
    assert.equal(res.status, 404, path);
    assert.equal((await res.json()).error.code, 'not_found', path);
  }
});
