// Browser test of the puzzle page without a mouse: the first maze solved with the keyboard alone
// (into the blocks, blocks under "when run", Run, the verdict and on to the next level), what a
// screen reader hears for the blocks and the picture in both languages, and loose blocks, which
// are shown disabled and are not part of the program the server judges.
// promise ANON-1

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

/** Counts, in the page, every event that only a mouse, a pen or a finger makes. */
const COUNT_POINTER_EVENTS = () => {
  window.kodlekPointerEvents = 0;
  for (const type of ['mousedown', 'mouseup', 'mousemove', 'pointerdown', 'pointerup', 'pointermove', 'wheel', 'touchstart']) {
    window.addEventListener(type, (e) => {
      if (e.isTrusted) window.kodlekPointerEvents += 1;
    }, true);
  }
};

/** What has the keyboard focus: its role and its label, as a screen reader has them. */
const focused = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return {
      inFlyout: Boolean(el?.closest('.blocklyFlyout')),
      inWorkspace: Boolean(el?.closest('.blocklySvg')),
      role: el?.getAttribute('role') ?? '',
      label: el?.getAttribute('aria-label') ?? '',
      id: el?.id ?? '',
    };
  });

/** Presses `key` until `done(focus)` holds, at most `max` times. */
async function pressUntil(page, key, done, max = 40) {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press(key);
    if (done(await focused(page))) return;
  }
  throw new Error(`${max} presses of ${key} did not get there; focus: ${JSON.stringify(await focused(page))}`);
}

/** The blocks under "when run", in order. */
const program = (page) =>
  page.evaluate(() => {
    const start = window.kodlekWorkspace.getTopBlocks(false).find((b) => b.type === 'when_run');
    const types = [];
    for (let b = start.getNextBlock(); b; b = b.getNextBlock()) types.push(b.type);
    return types;
  });

test('a child solves the first maze with the keyboard alone and goes on to the next level', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(browser, server, t, { viewport: { width: 1366, height: 768 } }, async (page, problems) => {
    await page.addInitScript(COUNT_POINTER_EVENTS);
    await page.goto('/levels/maze-1?lang=en');
    await waitForEditor(page);
    const help = page.locator('.keyboard-help');
    assert.ok(await help.isVisible(), 'the keyboard help is on the page');
    assert.match(await help.innerText(), /Enter/);
    const moves = await corridorLength(page);

    // Tab reaches the blocks to pick from; W goes to the program, where "when run" is picked.
    await pressUntil(page, 'Tab', (f) => f.inFlyout);
    assert.equal((await focused(page)).label.replace(/,$/, ''), 'move forward');
    await page.keyboard.press('w');
    await pressUntil(page, 'ArrowDown', (f) => f.inWorkspace && /when run/.test(f.label));

    // T goes back to the blocks; Enter takes "move forward" to the program and Enter puts it
    // under the block picked there.
    // A person sees the block lift before pressing Enter again, and land before going on: the
    // test waits for the same (a slow machine may take a moment to start or end the move).
    const moving = (yes) =>
      page.waitForFunction((want) => window.kodlekBlockly.KeyboardMover.mover.isMoving() === want, yes);
    for (let i = 0; i < moves; i += 1) {
      await page.keyboard.press('t');
      assert.equal((await focused(page)).label.replace(/,$/, ''), 'move forward');
      await page.keyboard.press('Enter');
      await moving(true);
      await page.keyboard.press('Enter');
      await moving(false);
    }
    assert.deepEqual(await program(page), Array(moves).fill('maze_move_forward'));
    await page.kodlekAudit();

    // R runs; the verdict comes, with stars, and the focus waits on "Next level".
    await page.keyboard.press('r');
    await page.locator('#result[data-verdict=perfect]').waitFor({ timeout: 30_000 });
    await page.locator('#celebration').waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'next-link');
    await page.kodlekAudit();
    assert.equal(await page.evaluate(() => window.kodlekPointerEvents), 0, 'no mouse, pen or touch at all');
    await Promise.all([page.waitForURL((u) => u.pathname === '/levels/maze-2'), page.keyboard.press('Enter')]);
    await page.kodlekAudit();

    assert.deepEqual(problems, [], 'no script errors, CSP violations or requests to other sites');
  }),
);

test('the Run button works from the keyboard too, and the focus shows where it is', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(browser, server, t, {}, async (page, problems) => {
    await page.addInitScript(COUNT_POINTER_EVENTS);
    await page.goto('/levels/maze-1?lang=en');
    await waitForEditor(page);
    await buildMoves(page, await corridorLength(page));
    await pressUntil(page, 'Tab', (f) => f.id === 'run-button');
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(ring, 'none', 'the focused Run button shows its focus');
    await page.keyboard.press('Enter');
    await page.locator('#result[data-verdict=perfect]').waitFor({ timeout: 30_000 });
    assert.equal(await page.evaluate(() => window.kodlekPointerEvents), 0);
    assert.deepEqual(problems, []);
  }),
);

test('a screen reader hears the blocks and the picture in words, in English and in Swedish', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(browser, server, t, { locale: 'sv-SE' }, async (page, problems) => {
    const labels = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('.blocklyFlyout .blocklyPath[role=option]')].map((p) => p.getAttribute('aria-label').replace(/,$/, '')),
      );
    for (const [lang, words, picture] of [
      ['en', ['move forward', 'turn left', 'repeat 4 times'], /^A maze of \d+ by \d+ squares\. The explorer stands on the ring and looks (up|down|to the right|to the left)\. Steps along the path to the flag: \d+\.$/],
      ['sv', ['gå framåt', 'sväng vänster', 'upprepa 4 gånger'], /^En labyrint med \d+ gånger \d+ rutor\. Upptäckaren står på ringen och tittar (uppåt|nedåt|åt höger|åt vänster)\. Steg längs stigen till flaggan: \d+\.$/],
    ]) {
      await page.goto(`/levels/maze-2?lang=${lang}`);
      await waitForEditor(page);
      const heard = await labels();
      for (const w of words.filter((w) => !w.includes('4'))) assert.ok(heard.includes(w), `${lang}: "${w}" in ${JSON.stringify(heard)}`);
      const stage = await page.locator('#stage').getAttribute('aria-label');
      assert.match(stage, picture, `${lang}: ${stage}`);

      // A loop as it is read out, with its count, once in the program.
      const loop = await page.evaluate(() => {
        const ws = window.kodlekWorkspace;
        const block = ws.newBlock('controls_repeat');
        block.setFieldValue(4, 'TIMES');
        block.initSvg();
        block.render();
        const start = ws.getTopBlocks(false).find((b) => b.type === 'when_run');
        start.nextConnection.connect(block.previousConnection);
        return block.getAriaLabel();
      });
      assert.equal(loop, words[2], lang);
    }
    assert.deepEqual(problems, []);
  }),
);

test('a loose block is shown disabled, and Run judges only the blocks under "when run"', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(browser, server, t, {}, async (page, problems) => {
    await page.goto('/levels/maze-1?lang=en');
    await waitForEditor(page);
    const moves = await corridorLength(page);
    await buildMoves(page, moves);
    // Two blocks lying apart: a turn that would crash the explorer, and a move.
    await page.evaluate(() => {
      const ws = window.kodlekWorkspace;
      const turn = ws.newBlock('maze_turn');
      const move = ws.newBlock('maze_move_forward');
      for (const b of [turn, move]) {
        b.initSvg();
        b.render();
      }
      turn.moveBy(260, 40);
      turn.nextConnection.connect(move.previousConnection);
    });
    const loose = page.locator('#blockly-area svg.blocklySvg .maze_turn.blocklyBlock');
    await page.waitForFunction(() => document.querySelector('#blockly-area svg.blocklySvg .maze_turn.blocklyBlock')?.classList.contains('blocklyDisabled'));
    assert.match(await loose.getAttribute('class'), /blocklyDisabledPattern/, 'it looks disabled');
    assert.match(await loose.locator('.blocklyPath').first().getAttribute('aria-label'), /disabled/, 'and says so');
    await page.kodlekAudit();

    const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/attempts'));
    await page.click('#run-button');
    const body = JSON.parse((await sent).postData());
    assert.deepEqual(body.program.blocks.blocks.map((b) => b.type), ['when_run'], 'only the program under "when run" is sent');
    await page.locator('#result[data-verdict=perfect]').waitFor({ timeout: 30_000 });

    // Attached, the same block takes part again.
    await page.evaluate(() => {
      const ws = window.kodlekWorkspace;
      const turn = ws.getBlocksByType('maze_turn', false)[0];
      let last = ws.getTopBlocks(false).find((b) => b.type === 'when_run');
      while (last.getNextBlock()) last = last.getNextBlock();
      last.nextConnection.connect(turn.previousConnection);
    });
    await page.waitForFunction(() => !document.querySelector('#blockly-area svg.blocklySvg .maze_turn.blocklyBlock').classList.contains('blocklyDisabled'));
    assert.deepEqual(problems, []);
  }),
);
