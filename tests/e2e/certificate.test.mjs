// Browser test of a course's certificate, on a short course of the operator's own (a corridor
// and a question, through KODLEK_CONTENT_DIR): a signed-in student who finishes it is offered
// the certificate by the last level and the course page, sees it and prints it on one page; a
// child without an account gets one under a typed name once the server has judged again what
// the browser kept. One browser and one fresh server for this file.
// promise ANON-3

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { buildMoves, corridorLength, submit, waitForEditor, withPage } from './browser.mjs';
import { chromiumOptions, startServer } from './server.mjs';

const TEST_TIMEOUT = 180_000;

const COURSE = `id = "e2e-short"
title = { en = "A short course", sv = "En kort kurs" }
description = { en = "A corridor and a question.", sv = "En korridor och en fråga." }

[[lessons]]
title = { en = "Short", sv = "Kort" }

[[lessons.levels]]
id = "e2e-short-1"
kind = "maze"
title = { en = "A corridor", sv = "En korridor" }
instructions = { en = "Walk to the flag.", sv = "Gå till flaggan." }
hints = [{ en = "Two steps.", sv = "Två steg." }]
toolbox = ["maze_move_forward", "maze_turn"]
ideal_blocks = 2
solution = "F F"
start_direction = "east"
grid = [
  [0, 0, 0, 0, 0],
  [0, 2, 1, 3, 0],
  [0, 0, 0, 0, 0],
]

[[lessons.levels]]
id = "e2e-short-2"
kind = "prompt"
title = { en = "What did you learn?", sv = "Vad lärde du dig?" }
instructions = { en = "Write a sentence.", sv = "Skriv en mening." }
`;

let server;
let browser;
let contentDir;

before(async () => {
  contentDir = await mkdtemp(path.join(os.tmpdir(), 'kodlek-e2e-content-'));
  await writeFile(path.join(contentDir, 'e2e-short.toml'), COURSE);
  server = await startServer({ env: { KODLEK_CONTENT_DIR: contentDir } });
  browser = await chromium.launch(chromiumOptions());
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (contentDir) await rm(contentDir, { recursive: true, force: true });
});

/** Plays the short course in the real editor: the corridor, then the question. */
async function playTheCourse(page, lang) {
  await page.goto(`/levels/e2e-short-1?lang=${lang}`);
  await waitForEditor(page);
  await buildMoves(page, await corridorLength(page));
  await page.click('#run-button');
  await page.locator('#result[data-verdict=perfect]').waitFor();
  assert.equal(await page.locator('#certificate-link').count(), 0, 'not offered before the last level');
  await page.goto('/levels/e2e-short-2');
  await page.fill('#answer', 'Loops save blocks.');
  await page.click('#answer-form button[type=submit]');
  await page.locator('#result[data-verdict=completed]').waitFor();
  await page.locator('#certificate-link').waitFor({ state: 'visible' });
}

/** The pages a printer gets from the certificate, as Chromium prints it on `format` paper. */
async function printedPages(page, format) {
  const pdf = await page.pdf({ format, printBackground: true });
  // The page tree's count: Chromium writes one `/Type /Pages` node with `/Count N`.
  const counts = [...pdf.toString('latin1').matchAll(/\/Count (\d+)/g)].map((m) => Number(m[1]));
  return Math.max(0, ...counts);
}

test('a student who finishes the course reaches and prints the certificate', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(browser, server, t, {}, async (page, problems) => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto('/sign-up/student?lang=en');
    const form = page.locator('form#sign-up-form');
    await form.locator('[name=display_name]').fill('Noor Lind');
    await form.locator('[name=age]').fill('14');
    await form.locator('[name=email]').fill(`noor.${Date.now()}@example.org`);
    await form.locator('[name=password]').fill('correct horse battery');
    await submit(page, 'form#sign-up-form button[type=submit]');

    // Before: the certificate page says what is left, with links.
    await page.goto('/courses/e2e-short/certificate');
    assert.equal(await page.locator('#levels-left li').count(), 2);

    await playTheCourse(page, 'en');
    await Promise.all([page.waitForURL((u) => u.pathname === '/courses/e2e-short/certificate'), page.click('#certificate-link')]);
    await page.kodlekAudit();
    await page.goto('/courses/e2e-short');
    await page.locator('#certificate-offer').waitFor();
    await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/certificate')), page.click('#certificate-offer a')]);
    await page.kodlekAudit();

    const cert = page.locator('#certificate');
    assert.equal((await cert.locator('.certificate-name').innerText()).trim(), 'Noor Lind');
    assert.equal((await cert.locator('.certificate-course').innerText()).trim(), 'A short course');
    assert.match(await cert.locator('.certificate-date').innerText(), new RegExp(String(new Date().getUTCFullYear())));
    assert.doesNotMatch(await cert.innerText(), /@/, 'no email on the certificate');

    // Print: the button (shown by script) opens the browser's printing.
    await page.evaluate(() => {
      window.printed = 0;
      window.print = () => {
        window.printed += 1;
      };
    });
    await page.locator('#print-certificate').focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => window.printed), 1);
    // Printed, it is one page on A4 and on Letter, without the site's header and footer.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('header.top').isHidden(), true);
    assert.equal(await page.locator('#print-certificate').isHidden(), true);
    assert.equal(await printedPages(page, 'A4'), 1, 'one A4 page');
    assert.equal(await printedPages(page, 'Letter'), 1, 'one Letter page');
    await page.emulateMedia({ media: null });

    // In Swedish, on a phone.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/courses/e2e-short/certificate?lang=sv');
    assert.equal((await page.locator('#certificate-title').innerText()).trim().toLowerCase(), 'diplom');
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390, 'no sideways scrolling');

    assert.deepEqual(problems, [], 'no script errors, CSP violations or requests to other sites');
  }),
);

test('without an account, a certificate comes under a typed name once the server has judged again', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(browser, server, t, { locale: 'sv-SE' }, async (page, problems) => {
    // Before any play, the page explains and offers no form.
    await page.goto('/courses/e2e-short/certificate?lang=sv');
    await page.locator('#certificate-sign-in').waitFor();
    assert.equal(await page.locator('#certificate-browser').isHidden(), true);

    // A browser that only claims the verdicts gets no certificate: the server runs the programs.
    await page.evaluate(() => {
      const program = { blocks: { languageVersion: 0, blocks: [{ type: 'when_run', id: 's' }] } };
      localStorage.setItem('kodlek.progress.v1', JSON.stringify({ levels: {
        'e2e-short-1': { status: 'perfect', program },
        'e2e-short-2': { status: 'completed', answer: 'Yes.' },
      } }));
    });
    await page.reload();
    await page.locator('#certificate-browser').waitFor({ state: 'visible' });
    await page.fill('#certificate-name', 'Kim');
    await submit(page, '#certificate-form button[type=submit]');
    await page.locator('#levels-left a[href="/levels/e2e-short-1"]').waitFor();
    assert.equal(await page.locator('#certificate').count(), 0);
    // The refusal is an answer of 422, the one problem the browser saw.
    assert.deepEqual(problems.splice(0).map((p) => p.split(' ')[0]), ['422']);

    // Played for real, the same form makes the certificate, and the name is kept nowhere.
    await page.evaluate(() => localStorage.clear());
    await playTheCourse(page, 'sv');
    await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/certificate')), page.click('#certificate-link')]);
    await page.kodlekAudit();
    await page.locator('#certificate-browser').waitFor({ state: 'visible' });
    await page.fill('#certificate-name', 'Kim Ek');
    await submit(page, '#certificate-form button[type=submit]');
    assert.equal((await page.locator('#certificate .certificate-name').innerText()).trim(), 'Kim Ek');
    assert.equal((await page.locator('#certificate .certificate-course').innerText()).trim(), 'En kort kurs');

    assert.deepEqual(problems, [], 'no script errors, CSP violations or requests to other sites');
  }),
);
