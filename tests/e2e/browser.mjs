// What the browser tests share: a fresh browser context per test that collects every problem
// the browser sees (script errors, CSP violations, failed loads, requests to other sites), and
// Blockly helpers for the puzzle editor. Every page a test reaches by `page.goto` or by a form
// sent with `submit` is checked with axe-core; any violation, of any impact, fails the test.

import { AxeBuilder } from '@axe-core/playwright';

/**
 * Runs `body(page, problems, context)` in a fresh context of `browser` against `server`, in
 * `locale` and, when given, `viewport` (`{width, height}`). On failure the page's text, the
 * problems and the server's log are added to the error.
 */
export async function withPage(browser, server, t, { locale = 'en-US', viewport } = {}, body) {
  const context = await browser.newContext({ baseURL: server.baseURL, locale, ...(viewport ? { viewport } : {}) });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const problems = [];
  const inaccessible = auditAccessibility(page);
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
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
    await body(page, problems, context);
    assertAccessible(inaccessible);
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

/** Submits a form by its button and waits for the page that answers. */
export async function submit(page, buttonSelector) {
  await Promise.all([page.waitForEvent('load'), page.click(buttonSelector)]);
  await page.kodlekAudit?.();
}

/**
 * Makes `page.goto` (and `submit`) run axe-core on the page reached; returns the list that
 * collects what it finds, one line per violation and element.
 */
export function auditAccessibility(page) {
  const found = [];
  const goto = page.goto.bind(page);
  page.kodlekAudit = async () => {
    // The editor's canvas is drawn by script after the load event: check the page as the
    // child sees it, not half-built.
    if (await page.locator('#blockly-area').count()) await waitForEditor(page);
    const results = await new AxeBuilder({ page }).analyze();
    const where = new URL(page.url()).pathname;
    for (const v of results.violations) {
      for (const node of v.nodes) {
        found.push(`${where}: ${v.id} (${v.impact}): ${node.target.join(' ')}: ${node.failureSummary.split('\n').slice(1).join(' ')}`);
      }
    }
  };
  page.goto = async (...args) => {
    const answer = await goto(...args);
    if (answer === null || answer.headers()['content-type']?.startsWith('text/html')) await page.kodlekAudit();
    return answer;
  };
  return found;
}

/** Fails with every accessibility violation found, if any. */
export function assertAccessible(found) {
  if (found.length) throw new Error(`axe-core found ${found.length} accessibility violation(s):\n${[...new Set(found)].join('\n')}`);
}

export async function waitForEditor(page) {
  await page.waitForFunction(() => window.kodlekWorkspace !== undefined);
  await page.locator('#blockly-area .blocklySvg').first().waitFor();
}

/** Appends `n` "move forward" blocks under "when run", through Blockly's own API. */
export async function buildMoves(page, n) {
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

/** The length of a straight-corridor maze, read from the level's public data. */
export async function corridorLength(page) {
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
  if (!start || !goal || (start.x !== goal.x && start.y !== goal.y)) throw new Error('not a straight corridor');
  return Math.abs(goal.x - start.x) + Math.abs(goal.y - start.y);
}
