// Browser test of the level page's playback and code view: the speed control (kept in this
// browser), "Step" one step per press with the block being run highlighted, and the program
// shown as text code as the blocks change; by keyboard, in English and Swedish, and on a phone.
// One browser and one fresh server for this file.

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

const avatarAt = (page) => page.locator('#stage .maze-avatar').evaluate((g) => g.style.transform);
const highlighted = (page) => page.locator('#blockly-area .blocklyHighlighted').count();

test('a child steps through a run by keyboard, then lets the rest play fast', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(browser, server, t, {}, async (page, problems) => {
    await page.goto('/levels/maze-1?lang=en');
    await waitForEditor(page);
    const n = await corridorLength(page);
    await buildMoves(page, n);

    // The speed: a labelled select, kept in this browser.
    assert.equal(await page.locator('label[for=speed-select]').innerText(), 'Speed');
    assert.equal(await page.locator('#speed-select').inputValue(), 'normal');
    await page.focus('#speed-select');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('#speed-select').inputValue(), 'fast');
    assert.equal(await page.evaluate(() => localStorage.getItem('kodlek.speed')), 'fast');

    // Step by keyboard: each press one step, the block being run highlighted.
    await page.focus('#step-button');
    const start = await avatarAt(page);
    await page.keyboard.press('Enter');
    // The trace has a step per move, and one for reaching the flag.
    await page.locator('#result', { hasText: `Step 1 of ${n + 1}` }).waitFor();
    assert.equal(await highlighted(page), 1, 'the block being run is highlighted');
    const one = await avatarAt(page);
    assert.notEqual(one, start, 'the explorer took one step');
    await page.keyboard.press('Enter');
    await page.locator('#result', { hasText: `Step 2 of ${n + 1}` }).waitFor();
    assert.notEqual(await avatarAt(page), one);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'step-button', 'the focus stays on Step');
    assert.equal(await page.locator('#next-link').isHidden(), true, 'no verdict before the last step');

    // Run plays the rest straight through; the server's verdict comes at the end.
    await page.click('#run-button');
    await page.locator('#result[data-verdict=perfect]').waitFor();
    assert.equal(await highlighted(page), 0);

    // A changed program: the next Step runs the new one from the start.
    await page.click('#reset-button');
    await page.click('#step-button');
    await page.locator('#result', { hasText: 'Step 1 of' }).waitFor();
    await page.click('#step-button');
    await page.locator('#result', { hasText: 'Step 2 of' }).waitFor();
    await page.evaluate(() => {
      const ws = window.kodlekWorkspace;
      const start = ws.getTopBlocks(false).find((b) => b.type === 'when_run');
      const turn = ws.newBlock('maze_turn');
      turn.initSvg();
      turn.render();
      const first = start.getNextBlock();
      first.previousConnection.disconnect();
      start.nextConnection.connect(turn.previousConnection);
      turn.nextConnection.connect(first.previousConnection);
    });
    await page.click('#step-button');
    await page.locator('#result', { hasText: 'Step 1 of' }).waitFor();
    await page.click('#reset-button');

    // The speed is remembered on the next page.
    await page.reload();
    await waitForEditor(page);
    assert.equal(await page.locator('#speed-select').inputValue(), 'fast');

    assert.deepEqual(problems, [], 'no script errors, CSP violations or requests to other sites');
  }),
);

test('the program shows as text code and follows the blocks (in Swedish, on a phone)', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(browser, server, t, { locale: 'sv-SE' }, async (page, problems) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/levels/maze-1?lang=sv');
    await waitForEditor(page);
    const toggle = page.locator('#code-toggle');
    assert.equal((await toggle.innerText()).trim(), 'Visa som kod');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.locator('#code-view').isHidden(), true);

    await toggle.focus();
    await page.keyboard.press('Enter');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await page.locator('#code-view').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#code-title').innerText(), 'Ditt program som kod');
    assert.match(await page.locator('#code-text').innerText(), /när start/);

    await buildMoves(page, 2);
    await page.locator('#code-text', { hasText: 'moveForward();\nmoveForward();' }).waitFor();
    await page.evaluate(() => {
      const ws = window.kodlekWorkspace;
      const loop = ws.newBlock('controls_repeat');
      loop.setFieldValue(3, 'TIMES');
      loop.initSvg();
      loop.render();
      const turn = ws.newBlock('maze_turn');
      turn.setFieldValue('turnRight', 'DIR');
      turn.initSvg();
      turn.render();
      loop.getInput('DO').connection.connect(turn.previousConnection);
      const start = ws.getTopBlocks(false).find((b) => b.type === 'when_run');
      let last = start;
      while (last.getNextBlock()) last = last.getNextBlock();
      last.nextConnection.connect(loop.previousConnection);
    });
    await page.locator('#code-text', { hasText: 'for (let i = 0; i < 3; i++) {\n  turnRight();\n}' }).waitFor();

    // The controls fit the phone's width: nothing sticks out sideways.
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 390, `the page is ${wide}px wide`);
    for (const id of ['run-button', 'step-button', 'speed-select', 'code-toggle']) {
      const box = await page.locator(`#${id}`).boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= 390, `${id} at ${box.x}+${box.width}`);
    }

    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#code-view').isHidden(), true, 'the toggle closes it again');

    assert.deepEqual(problems, [], 'no script errors, CSP violations or requests to other sites');
  }),
);

test('an artist level steps line by line', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(browser, server, t, {}, async (page, problems) => {
    await page.goto('/levels/artist-2?lang=en');
    await waitForEditor(page);
    await page.evaluate(() => {
      const ws = window.kodlekWorkspace;
      let prev = ws.getTopBlocks(false).find((b) => b.type === 'when_run');
      for (const type of ['artist_move_forward', 'artist_turn', 'artist_move_forward']) {
        const block = ws.newBlock(type);
        if (type === 'artist_turn') block.setFieldValue('turnRight', 'DIR');
        block.initSvg();
        block.render();
        prev.nextConnection.connect(block.previousConnection);
        prev = block;
      }
    });
    await page.click('#step-button');
    await page.locator('#result', { hasText: 'Step 1 of 3' }).waitFor();
    assert.equal(await highlighted(page), 1);
    await page.click('#step-button');
    await page.locator('#result', { hasText: 'Step 2 of 3' }).waitFor();
    await page.click('#step-button');
    await page.locator('#result[data-verdict=perfect]').waitFor();
    assert.equal(await page.locator('#certificate-link').count(), 0, 'not the last level');
    assert.deepEqual(problems, [], 'no script errors, CSP violations or requests to other sites');
  }),
);
