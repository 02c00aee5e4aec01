// Browser test of creations: a child makes a sprites project with a sprite that moves when a
// key is pressed, shares it by link, and an anonymous visitor plays it from the link; another
// child remixes it; the teacher switches sharing off for the section and the link stops working.
// promise CREATE-1 promise CREATE-2 promise CREATE-5

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { submit, withPage } from './browser.mjs';
import { chromiumOptions, startServer } from './server.mjs';

const TEST_TIMEOUT = 240_000;

let server;
let browser;

before(async () => {
  // Children here sign up by themselves as the operator allows with
  // KODLEK_CHILD_SIGN_UP=open; a parent's permission has its own test (families.test.mjs).
  server = await startServer({ env: { KODLEK_CHILD_SIGN_UP: 'open' } });
  browser = await chromium.launch(chromiumOptions());
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

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

async function childSignsUp(page, name, email) {
  await page.goto('/sign-up/student?lang=en');
  const form = 'form#sign-up-form';
  await page.fill(`${form} [name=display_name]`, name);
  await page.fill(`${form} [name=age]`, '10');
  await page.fill(`${form} [name=email]`, email);
  await page.fill(`${form} [name=password]`, 'correct horse battery');
  await submit(page, `${form} button[type=submit]`);
}

/** Where sprite 1 stands on the stage. */
async function spriteX(page) {
  return Number(await page.locator('#stage g.sprite[data-sprite="1"]').getAttribute('data-x'));
}

test('a child makes and shares a game, a visitor plays it, a friend remixes it, the teacher switches sharing off', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(browser, server, t, {}, async (teacher, problems, teacherContext) => {
    const stamp = Date.now();
    await teacherSignsUp(teacher, `lind.${stamp}@example.org`);
    await teacher.goto('/sections');
    const form = 'form#new-section-form';
    await teacher.fill(`${form} [name=name]`, 'Class 4A');
    await teacher.selectOption(`${form} [name=course_id]`, 'maze-intro');
    await teacher.check('#login-email');
    await submit(teacher, `${form} button[type=submit]`);
    const sectionPath = new URL(teacher.url()).pathname;
    const code = (await teacher.locator('.sec-code').innerText()).trim();

    // The child joins the class and makes a sprites project.
    const kimContext = await browser.newContext({ baseURL: server.baseURL, locale: 'en-US' });
    const kim = await kimContext.newPage();
    kim.on('pageerror', (e) => problems.push(`kim: page error: ${e.message}`));
    kim.on('request', (r) => {
      if (!r.url().startsWith(server.baseURL) && !r.url().startsWith('data:')) problems.push(`kim: request to another site: ${r.url()}`);
    });
    await childSignsUp(kim, 'Kim', `kim.${stamp}@example.org`);
    await kim.goto('/my-sections');
    await kim.fill('form#join-form [name=code]', code);
    await submit(kim, 'form#join-form button[type=submit]');
    await kim.goto('/projects');
    await kim.fill('form#new-project [name=title]', 'Dog race');
    await kim.selectOption('form#new-project [name=kind]', 'sprites');
    await submit(kim, 'form#new-project button[type=submit]');
    assert.match(new URL(kim.url()).pathname, /^\/projects\/[0-9a-f]+$/);
    await kim.waitForFunction(() => window.kodlekWorkspace !== undefined);

    // "When the right arrow is pressed, sprite 1 moves right by 20", built with Blockly's API;
    // the editor saves by itself.
    await kim.evaluate(() => {
      const ws = window.kodlekWorkspace;
      const hat = ws.newBlock('sprites_when_key');
      hat.setFieldValue('right', 'KEY');
      hat.initSvg();
      hat.render();
      hat.moveBy(20, 200);
      const move = ws.newBlock('sprites_move');
      move.setFieldValue('right', 'DIR');
      move.setFieldValue(20, 'STEPS');
      move.initSvg();
      move.render();
      hat.nextConnection.connect(move.previousConnection);
    });
    await kim.locator('#save-status[data-state="saved"]').waitFor();

    // Kim tries it: Play, then the right arrow.
    await kim.click('#play-button');
    await kim.locator('#stage g.sprite[data-sprite="1"][data-costume="cat"]').waitFor();
    assert.equal(await spriteX(kim), 100);
    await kim.keyboard.press('ArrowRight');
    await kim.waitForFunction(() => document.querySelector('#stage g.sprite[data-sprite="1"]').getAttribute('data-x') === '120');

    // Shared by link, at Kim's own choice; a child gets no social-network links.
    await kim.click('#share-link');
    await kim.check('input[name=sharing][value=link]');
    await submit(kim, 'form#sharing-form button[type=submit]');
    const link = await kim.locator('#share-url').inputValue();
    assert.ok(link.startsWith(`${server.baseURL}/shared/`), link);
    assert.equal(await kim.locator('#social-links').count(), 0);

    // An anonymous visitor plays it from the link.
    await withPage(browser, server, t, {}, async (visitor, visitorProblems) => {
      await visitor.goto(new URL(link).pathname);
      assert.equal((await visitor.locator('#project-title').innerText()).trim(), 'Dog race');
      assert.match(await visitor.locator('#project-author').innerText(), /by Kim/);
      await visitor.click('#play-button');
      await visitor.locator('#stage g.sprite[data-sprite="1"][data-costume="cat"]').waitFor();
      await visitor.keyboard.press('ArrowRight');
      await visitor.keyboard.press('ArrowRight');
      await visitor.waitForFunction(() => document.querySelector('#stage g.sprite[data-sprite="1"]').getAttribute('data-x') === '140');
      assert.deepEqual(visitorProblems, [], 'nothing from another site, no error');
    });

    // Another child remixes it and gets their own copy, crediting Kim.
    await withPage(browser, server, t, {}, async (ola) => {
      await childSignsUp(ola, 'Ola', `ola.${stamp}@example.org`);
      await ola.goto(new URL(link).pathname);
      await submit(ola, 'form#remix-form button[type=submit]');
      assert.match(new URL(ola.url()).pathname, /^\/projects\/[0-9a-f]+$/);
      await ola.waitForFunction(() => window.kodlekWorkspace !== undefined);
      const id = new URL(ola.url()).pathname.split('/').pop();
      const mine = await (await ola.request.get(`/api/v1/projects/${id}`)).json();
      assert.equal(mine.project.remixed_from.author_display_name, 'Kim');
      assert.equal(mine.project.sharing, 'private');
    });

    // The teacher sees what the class shares, and switches sharing off: the link stops working.
    await teacher.goto(`${sectionPath}/shares`);
    assert.equal(await teacher.locator('#student-shares li').count(), 1);
    await teacher.check('input[name=sharing_allowed][value=off]');
    await submit(teacher, 'form#sharing-switch button[type=submit]');
    const gone = await teacherContext.request.get(new URL(link).pathname);
    assert.equal(gone.status(), 404);
    await withPage(browser, server, t, {}, async (visitor, visitorProblems) => {
      const r = await visitor.goto(new URL(link).pathname);
      assert.equal(r.status(), 404);
      visitorProblems.length = 0;
    });
    await kimContext.close();
    assert.deepEqual(problems, []);
  }),
);

test('a child keeps a drawing from free play as a project of their own', { timeout: TEST_TIMEOUT }, (t) =>
  withPage(browser, server, t, {}, async (page, problems) => {
    await childSignsUp(page, 'Alva', `alva.${Date.now()}@example.org`);
    await page.goto('/levels/artist-free');
    await page.waitForFunction(() => window.kodlekWorkspace !== undefined);
    await page.evaluate(() => {
      const ws = window.kodlekWorkspace;
      const start = ws.getTopBlocks(false).find((b) => b.type === 'when_run');
      const block = ws.newBlock('artist_move_forward');
      block.initSvg();
      block.render();
      start.nextConnection.connect(block.previousConnection);
    });
    await Promise.all([page.waitForURL(/\/projects\/[0-9a-f]+$/), page.click('#keep-drawing')]);
    await page.waitForFunction(() => window.kodlekWorkspace !== undefined);
    const id = new URL(page.url()).pathname.split('/').pop();
    const kept = await (await page.request.get(`/api/v1/projects/${id}`)).json();
    assert.equal(kept.project.kind, 'artist');
    assert.equal(kept.project.program.blocks.blocks[0].next.block.type, 'artist_move_forward');
    await page.click('#play-button');
    await page.locator('#stage canvas.artist').waitFor();
    assert.deepEqual(problems, []);
  }),
);

test("opening a project keeps the uploaded files its blocks name", { timeout: TEST_TIMEOUT }, (t) =>
  withPage(browser, server, t, {}, async (page, problems) => {
    await childSignsUp(page, 'Bo', `bo.${Date.now()}@example.org`);
    const program = { blocks: { languageVersion: 0, blocks: [{ type: 'when_run', x: 20, y: 20, next: { block: { type: 'sprites_costume', fields: { SPRITE: '1', COSTUME: 'media:abc123' } } } }] } };
    const made = await page.request.post('/api/v1/projects', { data: { kind: 'sprites', title: 'My photo', program } });
    assert.equal(made.status(), 201);
    const { project } = await made.json();
    await page.goto(`/projects/${project.id}`);
    await page.waitForFunction(() => window.kodlekWorkspace !== undefined);
    const value = await page.evaluate(() => window.kodlekWorkspace.getBlocksByType('sprites_costume', false)[0].getFieldValue('COSTUME'));
    assert.equal(value, 'media:abc123');
    assert.deepEqual(problems, []);
  }),
);
