// Drives the dev server's pages in Chromium (playwright-core from tests/e2e) under the real CSP:
// builds programs through the workspace, runs them, and reports console problems. Screenshots
// go to $SHOTS (default /tmp/kodlek-dev-shots). Not part of the build or of CI.
//
//   npm run build && (cd ../tests/e2e && npm ci) && node dev/check.mjs

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', '..', 'tests', 'e2e', 'package.json'));
const { chromium } = require('playwright-core');

const shots = process.env.SHOTS || '/tmp/kodlek-dev-shots';
mkdirSync(shots, { recursive: true });

const { server, attempts, imports } = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});

const problems = [];
const offSite = [];
async function newPage(context) {
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.text().includes('status of 404') && msg.location().url.endsWith('/favicon.ico')) return;
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && !res.url().endsWith('/favicon.ico')) problems.push(`${res.status()} for ${res.url()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('request', (req) => {
    if (!req.url().startsWith(base) && !req.url().startsWith('data:')) offSite.push(req.url());
  });
  return page;
}

/** Appends blocks (`[type, fields]`) under the workspace's when_run block. */
async function build(page, blocks) {
  await page.waitForFunction(() => window.kodlekWorkspace);
  await page.evaluate((list) => {
    const ws = window.kodlekWorkspace;
    let last = ws.getBlocksByType('when_run', false)[0];
    for (const [type, fields] of list) {
      const b = ws.newBlock(type);
      for (const [k, v] of Object.entries(fields ?? {})) b.setFieldValue(v, k);
      b.initSvg();
      b.render();
      last.nextConnection.connect(b.previousConnection);
      last = b;
    }
  }, blocks);
}

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await newPage(context);

  // The maze: a wrong program crashes, then the right one is perfect.
  await page.goto(`${base}/levels/dev-maze`);
  await build(page, [['maze_move_forward'], ['maze_turn', { DIR: 'turnRight' }], ['maze_move_forward']]);
  await page.click('#run-button');
  await page.waitForFunction(() => document.querySelector('#result').dataset.verdict === 'failed', null, { timeout: 20_000 });
  console.log('crash:', await page.textContent('#result'));
  await page.screenshot({ path: path.join(shots, 'maze-crashed.png') });
  assert.equal(await page.isHidden('#next-link'), true);

  await page.click('#reset-button');
  await page.evaluate(() => {
    const ws = window.kodlekWorkspace;
    for (const b of ws.getTopBlocks(false)) if (b.type !== 'when_run') b.dispose(false);
    const start = ws.getBlocksByType('when_run', false)[0];
    start.getNextBlock()?.dispose(false);
  });
  await build(page, [['controls_repeat', { TIMES: 3 }], ['maze_turn', { DIR: 'turnRight' }], ['controls_repeat', { TIMES: 2 }]]);
  await page.evaluate(() => {
    const ws = window.kodlekWorkspace;
    for (const loop of ws.getBlocksByType('controls_repeat', false)) {
      const b = ws.newBlock('maze_move_forward');
      b.initSvg();
      b.render();
      loop.getInput('DO').connection.connect(b.previousConnection);
    }
  });
  const started = Date.now();
  await page.click('#run-button');
  assert.equal(await page.isDisabled('#run-button'), true, 'Run is disabled while running');
  await page.waitForTimeout(600);
  await page.screenshot({ path: path.join(shots, 'maze-running.png') });
  await page.waitForFunction(() => document.querySelector('#result').dataset.verdict, null, { timeout: 20_000 });
  console.log('solved in', Date.now() - started, 'ms:', await page.textContent('#result'));
  assert.equal(await page.isVisible('#next-link'), true);
  assert.equal(await page.isEnabled('#run-button'), true);
  await page.screenshot({ path: path.join(shots, 'maze-solved.png') });
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('kodlek.progress.v1')));
  console.log('stored:', JSON.stringify(stored).slice(0, 200));
  assert.equal(stored.levels['dev-maze'].status, 'perfect');

  // Reload: the program comes back from localStorage.
  await page.reload();
  await page.waitForFunction(() => window.kodlekWorkspace);
  const count = await page.evaluate(() => window.kodlekWorkspace.getAllBlocks(false).length);
  assert.equal(count, 6, 'the stored program is loaded');

  // Open the flyout's dropdown-free drag: drag a block from the flyout into the workspace.
  const flyoutBlock = page.locator('.blocklyFlyout .blocklyDraggable').first();
  const box = await flyoutBlock.boundingBox();
  await page.mouse.move(box.x + 10, box.y + 10);
  await page.mouse.down();
  await page.mouse.move(box.x + 300, box.y + 250, { steps: 8 });
  await page.mouse.up();
  const afterDrag = await page.evaluate(() => window.kodlekWorkspace.getAllBlocks(false).length);
  assert.equal(afterDrag, 7, 'a block dragged from the flyout lands in the workspace');
  await page.screenshot({ path: path.join(shots, 'maze-dragged.png') });

  // The artist.
  await page.goto(`${base}/levels/dev-artist`);
  await build(page, [['controls_repeat', { TIMES: 4 }]]);
  await page.evaluate(() => {
    const ws = window.kodlekWorkspace;
    const loop = ws.getBlocksByType('controls_repeat', false)[0];
    const a = ws.newBlock('artist_move_forward');
    a.setFieldValue(200, 'DISTANCE');
    const t = ws.newBlock('artist_turn');
    t.setFieldValue('turnRight', 'DIR');
    for (const b of [a, t]) {
      b.initSvg();
      b.render();
    }
    loop.getInput('DO').connection.connect(a.previousConnection);
    a.nextConnection.connect(t.previousConnection);
  });
  await page.click('#run-button');
  await page.waitForFunction(() => document.querySelector('#result').dataset.verdict, null, { timeout: 20_000 });
  console.log('artist:', await page.textContent('#result'));
  await page.screenshot({ path: path.join(shots, 'artist.png') });

  // A prompt.
  await page.goto(`${base}/levels/dev-prompt`);
  await page.fill('#answer', 'Loops save blocks.');
  await page.click('#answer-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#result').textContent.length > 0);
  console.log('prompt:', await page.textContent('#result'), await page.isVisible('#next-link'));

  // The course map, anonymous: the bubbles show the stored statuses.
  await page.goto(`${base}/courses/dev`);
  const bubble = page.locator('a.level-bubble[data-level-id="dev-maze"]');
  await page.waitForFunction(() => document.querySelector('a.level-bubble[data-level-id="dev-maze"]').dataset.status);
  console.log('bubble:', await bubble.getAttribute('class'), await bubble.getAttribute('data-status'), await bubble.locator('.status-label').textContent());

  // Signed in (pretend): the carry section appears, and carrying posts the stored levels.
  await page.goto(`${base}/courses/dev?signed_in=1`);
  await page.waitForSelector('#carry-progress', { state: 'visible' });
  await page.screenshot({ path: path.join(shots, 'carry.png') });
  const reloaded = page.waitForEvent('load');
  await page.click('#carry-button');
  await reloaded;
  console.log('import body:', JSON.stringify(imports.at(-1)).slice(0, 300));
  assert.equal(await page.evaluate(() => localStorage.getItem('kodlek.progress.v1')), null);
  assert.equal(await page.isHidden('#carry-progress'), true);

  // Sign-out clears the stored progress.
  await page.evaluate(() => localStorage.setItem('kodlek.progress.v1', '{"levels":{"x":{"status":"failed"}}}'));
  await page.evaluate(() => document.getElementById('sign-out-form').addEventListener('submit', (e) => e.preventDefault()));
  await page.click('#sign-out-form button');
  assert.equal(await page.evaluate(() => localStorage.getItem('kodlek.progress.v1')), null);

  console.log('attempts posted:', attempts.length, 'client ids:', attempts.every((a) => /^[0-9a-f-]{36}$/.test(a.body.client_attempt_id ?? '')));
} finally {
  await browser.close();
  server.close();
}

console.log('off-site requests:', offSite.length ? offSite : 'none');
console.log('console problems:', problems.length ? problems : 'none');
