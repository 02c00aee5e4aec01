// The puzzle editor of /levels/{level_id}: Blockly, the stage, and Run. The server judges every
// program; this page only sends it, animates the trace it gets back and shows the verdict.
// The page's HTML (rendered by the server) holds the level as JSON in #level-data.

import * as Blockly from 'blockly/core';
import * as En from 'blockly/msg/en';
import * as Sv from 'blockly/msg/sv';
import { ArtistStage } from './artist.js';
import { defineBlocks, keepFlyoutTidy, keepMeasuringInside, PAINTS, registerRenderer, toolboxEntry } from './blocks.js';
import { SWEDISH_ARIA } from './blockly-sv.js';
import { programToCode } from './code.js';
import { lockLevelBlocks, loadStartBlocks, maxInstances } from './levelrules.js';
import { MazeStage } from './maze.js';
import { Playback } from './playback.js';
import { levelProgress, rememberVerdict } from './progress.js';

const MEDIA = '/static/blockly-media/';

// Blockly without <style> elements (the site's CSP), see blocks.js.
registerRenderer(Blockly);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A UUID v4; crypto.randomUUID exists only on https and localhost. */
function uuid() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function readData() {
  const node = document.getElementById('level-data');
  if (!node) return null;
  try {
    return JSON.parse(node.textContent);
  } catch {
    return null;
  }
}

/**
 * The program as the server gets it: only the stack under "when run". A loose block is not part
 * of the program (Blockly shows it disabled), so it is not sent, nor kept.
 */
export function programOf(workspace) {
  const saved = Blockly.serialization.workspaces.save(workspace);
  const blocks = saved?.blocks?.blocks ?? [];
  return { ...saved, blocks: { ...saved.blocks, blocks: blocks.filter((b) => b.type === 'when_run') } };
}

/** The number of steps along open squares from `from` to the goal (3), or null. */
function stepsToGoal(grid, from) {
  const seen = new Set([`${from.x},${from.y}`]);
  let ring = [from];
  for (let steps = 0; ring.length > 0; steps++) {
    const next = [];
    for (const { x, y } of ring) {
      if (grid[y]?.[x] === 3) return steps;
      for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
        const n = { x: x + dx, y: y + dy };
        const v = grid[n.y]?.[n.x] ?? 0;
        if (v !== 0 && !seen.has(`${n.x},${n.y}`)) {
          seen.add(`${n.x},${n.y}`);
          next.push(n);
        }
      }
    }
    ring = next;
  }
  return null;
}

/** `{used}` and `{ideal}` (and any other `{name}`) filled in from `values`. */
function fill(template, values) {
  return String(template ?? '').replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

/**
 * POSTs an attempt. A lost connection or a 503 is retried with the same client_attempt_id,
 * which the server counts once. Resolves `{status, doc}`; rejects only when the network stays
 * away.
 */
async function postAttempt(levelId, body) {
  const url = `/api/v1/levels/${encodeURIComponent(levelId)}/attempts`;
  let lastError = null;
  for (let round = 0; round < 3; round++) {
    let res;
    try {
      res = await fetch(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
      });
    } catch (err) {
      lastError = err;
      await sleep(500 * (round + 1));
      continue;
    }
    let doc = null;
    try {
      doc = await res.json();
    } catch {
      // an answer that is not JSON: the status says enough
    }
    if (res.status === 503 && round < 2) {
      const wait = Number(res.headers.get('Retry-After')) || 1;
      await sleep(Math.min(5, Math.max(1, wait)) * 1000);
      continue;
    }
    return { status: res.status, doc };
  }
  throw lastError ?? new Error('no answer');
}

const SOUND_KEY = 'kodlek.sound';

function soundOn() {
  try {
    return localStorage.getItem(SOUND_KEY) !== 'off';
  } catch {
    return true;
  }
}

function setSound(on) {
  try {
    localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
  } catch {
    // a browser that keeps nothing still plays or stays quiet for this page
  }
}

let audio = null;
/** Three rising notes, made in the page (no sound file), unless the learner turned sound off. */
function chime() {
  if (!soundOn()) return;
  try {
    audio = audio ?? new AudioContext();
    const start = audio.currentTime + 0.05;
    [523.25, 659.25, 783.99].forEach((freq, i) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = 'triangle';
      osc.frequency.value = freq;
      const at = start + i * 0.12;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.2, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.35);
      osc.connect(gain).connect(audio.destination);
      osc.start(at);
      osc.stop(at + 0.4);
    });
  } catch {
    // no sound here: the stars and the words still say it
  }
}

class LevelPage {
  constructor(data) {
    this.data = data;
    this.level = data.level;
    this.texts = data.texts ?? {};
    this.lang = data.lang === 'sv' ? 'sv' : 'en';
    this.result = document.getElementById('result');
    this.next = document.getElementById('next-link');
    this.celebration = document.getElementById('celebration');
    this.generation = 0;
    this.hintsShown = 0;
  }

  t(key) {
    return this.texts[key] ?? key;
  }

  say(text, kind = '') {
    if (!this.result) return;
    this.result.textContent = text;
    if (kind) this.result.dataset.verdict = kind;
    else delete this.result.dataset.verdict;
  }

  revealNext(status) {
    if (!['passed', 'perfect', 'completed'].includes(status)) return;
    if (this.celebration) this.celebration.hidden = false;
    const certificate = document.getElementById('certificate-link');
    if (certificate) certificate.hidden = false;
    if (this.next) {
      this.next.hidden = false;
      // The keyboard goes on from the verdict: Enter opens the next level.
      this.next.focus();
    }
    chime();
  }

  // --- the helpers around the puzzle: hints, reading aloud, starting over, sound ---

  startTools() {
    const hints = Array.isArray(this.level.hints) ? this.level.hints : [];
    this.hintBox = document.getElementById('hint');
    this.hintButton = document.getElementById('hint-button');
    this.hintButton?.addEventListener('click', () => this.showHint());
    this.hints = hints;

    const read = document.getElementById('read-button');
    if (read && 'speechSynthesis' in window && typeof SpeechSynthesisUtterance === 'function') {
      // The browser's own voice: nothing of the page leaves it.
      read.hidden = false;
      read.addEventListener('click', () => {
        window.speechSynthesis.cancel();
        const parts = [this.level.title, this.level.instructions];
        if (this.hintBox && !this.hintBox.hidden) parts.push(this.hintBox.textContent);
        const u = new SpeechSynthesisUtterance(parts.filter(Boolean).join('. '));
        u.lang = this.lang === 'sv' ? 'sv-SE' : 'en-GB';
        u.rate = 0.9;
        window.speechSynthesis.speak(u);
      });
    }

    document.getElementById('start-over-button')?.addEventListener('click', () => this.startOver());

    const sound = document.getElementById('sound-button');
    if (sound) {
      const show = () => sound.setAttribute('aria-pressed', soundOn() ? 'true' : 'false');
      show();
      sound.addEventListener('click', () => {
        setSound(!soundOn());
        show();
      });
    }
  }

  /** The next hint, one at a time; the last one stays once all are shown. */
  showHint() {
    const hints = this.hints ?? [];
    if (!this.hintBox || hints.length === 0) return;
    const n = Math.min(this.hintsShown + 1, hints.length);
    this.hintsShown = n;
    this.hintBox.textContent = fill(this.t('hint'), { n, total: hints.length, text: hints[n - 1] });
    this.hintBox.hidden = false;
    if (this.hintButton && n >= hints.length) this.hintButton.disabled = true;
  }

  /** Back to the program the level began with. */
  startOver() {
    if (!this.ws) return;
    this.reset();
    this.ws.clear();
    loadStartBlocks(Blockly, this.ws, this.level);
    if (this.celebration) this.celebration.hidden = true;
  }

  verdictText(v) {
    switch (v.status) {
      case 'perfect':
        return this.t('success_perfect');
      case 'passed':
        return fill(this.t('success_passed'), { used: v.blocks_used ?? '?', ideal: v.ideal_blocks ?? '?' });
      case 'completed':
        return this.t('completed');
      default:
        // The server's words name the block or the cell; the page's own are the fallback.
        return v.message ?? this.texts[`failed_${v.reason}`] ?? this.t('failed_not_reached_goal');
    }
  }

  /** An answer that is not a verdict: the server's own message when it has one. */
  problemText(status, doc) {
    const code = doc?.error?.code;
    if (code === 'invalid_program' || code === 'invalid_answer') return this.t('invalid_program');
    return doc?.error?.message ?? this.t('error_network');
  }

  // --- puzzle levels ---

  /** The puzzle picture in words, for a screen reader: what a child sees at a glance. */
  describeStage() {
    const maze = this.level.maze;
    if (maze && Array.isArray(maze.grid)) {
      const grid = maze.grid;
      let start = null;
      grid.forEach((row, y) => {
        const x = row.indexOf(2);
        if (x >= 0 && !start) start = { x, y };
      });
      const steps = start ? stepsToGoal(grid, start) : null;
      const values = {
        cols: Math.max(0, ...grid.map((r) => r.length)),
        rows: grid.length,
        facing: this.t(`facing_${maze.start_direction ?? 'east'}`),
        steps,
      };
      return fill(this.t(steps === null ? 'stage_maze_no_way' : 'stage_maze'), values);
    }
    if (this.level.artist) return this.t('stage_artist');
    return this.level.title ?? '';
  }

  startEditor() {
    Blockly.setLocale(this.lang === 'sv' ? { ...Sv, ...SWEDISH_ARIA } : En);
    const facing = this.level.maze?.start_direction ?? 'east';
    defineBlocks(Blockly, this.texts, this.lang, facing);

    const area = document.getElementById('blockly-area');
    const defined = (type) => Boolean(Blockly.Blocks[type]);
    const toolbox = {
      kind: 'flyoutToolbox',
      contents: (this.level.toolbox ?? []).filter(defined).map(toolboxEntry),
    };
    this.ws = Blockly.inject(area, {
      toolbox,
      media: MEDIA,
      css: false,
      renderer: 'kodlek',
      // No clicks from Blockly: its sounds make an AudioContext at once, the largest single
      // cost of starting the editor on a slow laptop (about 150 to 300 ms), and the page's only
      // sound is then the chime, which the Sound button turns off.
      sounds: false,
      trashcan: true,
      maxInstances: maxInstances(this.level),
      zoom: { controls: true, wheel: false, startScale: 1.0, maxScale: 2, minScale: 0.5 },
      move: { scrollbars: true, drag: true, wheel: true },
      rtl: false,
    });
    keepMeasuringInside(area);
    keepFlyoutTidy(area);
    window.kodlekWorkspace = this.ws;
    window.kodlekBlockly = Blockly;
    this.loadProgram();
    // A block that is not under "when run" is not part of the program: Blockly greys it out
    // (and it is not sent, see programOf).
    this.ws.addChangeListener(Blockly.Events.disableOrphans);
    this.addRunKey();

    const label = this.describeStage();
    const stageEl = document.getElementById('stage');
    if (stageEl) {
      stageEl.setAttribute('role', 'img');
      stageEl.setAttribute('aria-label', label);
    }
    if (stageEl && this.level.maze) this.stage = new MazeStage(stageEl, this.level.maze);
    else if (stageEl && this.level.artist) this.stage = new ArtistStage(stageEl, this.level.artist, label);

    this.runButton = document.getElementById('run-button');
    this.resetButton = document.getElementById('reset-button');
    this.runButton?.addEventListener('click', () => this.runPressed());
    this.offerKeeping();
    this.resetButton?.addEventListener('click', () => this.reset());
    if (this.runButton) this.runButton.disabled = false;
    this.startTools();
    this.startPlayback();
    this.startCodeView();
    // The moment a child can start: the page-weight benchmark (bench/page-weight) reads it.
    performance.mark('kodlek-editor-ready');
  }

  /**
   * R runs the program from inside the editor (the blocks to pick from or the program), so
   * that a child playing with the keyboard need not go back to the Run button.
   */
  addRunKey() {
    const registry = Blockly.ShortcutRegistry.registry;
    if (registry.getRegistry().kodlek_run) return;
    registry.register({
      name: 'kodlek_run',
      preconditionFn: (ws) => !ws.isDragging(),
      callback: () => {
        this.runPressed();
        return true;
      },
      keyCodes: [Blockly.utils.KeyCodes.R],
    });
  }

  // --- how the trace is shown: the speed, and step by step ---

  startPlayback() {
    this.playback = new Playback(document.getElementById('speed-select'));
    this.stepButton = document.getElementById('step-button');
    this.stepButton?.addEventListener('click', () => this.stepPressed());
  }

  /**
   * Whether the blocks now say something else than the program being played. Compared as
   * text code, so that blocks Blockly only moves aside do not count as a change.
   */
  programChanged() {
    return this.playedCode !== programToCode(programOf(this.ws));
  }

  runPressed() {
    // Run in the middle of a stepped run plays the rest of it straight through, unless the
    // program changed meanwhile: then the new one runs.
    if (this.playback?.waiting && !this.programChanged()) this.playback.finish();
    else this.run();
  }

  stepPressed() {
    const p = this.playback;
    // Step is never switched off, so that the keyboard's focus stays on it between presses.
    const busy = this.playing || this.posting;
    if (busy && !this.programChanged()) {
      // Stepping already: one more step. Playing straight through: stop after this step.
      if (p.stepwise) p.advance();
      else p.pause();
    } else if (!this.posting) {
      this.run({ stepwise: true });
    }
  }

  /** While a stepped run waits, Run is there to play the rest; while it moves, it is not. */
  waitingForStep(waiting) {
    if (!this.runButton) return;
    this.runButton.disabled = !waiting;
    if (waiting) this.runButton.removeAttribute('aria-busy');
    else this.runButton.setAttribute('aria-busy', 'true');
  }

  // --- the program as text code ---

  startCodeView() {
    const toggle = document.getElementById('code-toggle');
    const view = document.getElementById('code-view');
    const text = document.getElementById('code-text');
    if (!toggle || !view || !text) return;
    toggle.hidden = false;
    const names = Object.fromEntries(
      PAINTS.map(([value, en, sv]) => [value, this.texts[`colour_${en}`] ?? (this.lang === 'sv' ? sv : en)]),
    );
    let queued = false;
    const show = () => {
      queued = false;
      if (view.hidden) return;
      const code = programToCode(Blockly.serialization.workspaces.save(this.ws), names);
      text.textContent = code || this.t('code_empty');
    };
    toggle.addEventListener('click', () => {
      const open = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
      view.hidden = !open;
      if (open) {
        show();
        view.scrollIntoView({ block: 'nearest' });
      }
    });
    // Written again after every change to the program, once per frame at most.
    this.ws.addChangeListener((e) => {
      if (e.isUiEvent || view.hidden || queued) return;
      queued = true;
      requestAnimationFrame(show);
    });
  }

  /** On an artist level, a student keeps the drawing as a project of their own. */
  offerKeeping() {
    const keep = document.getElementById('keep-drawing');
    if (!keep || !this.level.artist) return;
    keep.hidden = false;
    keep.addEventListener('click', async () => {
      keep.disabled = true;
      const title = String(this.level.title ?? 'Drawing').slice(0, 60);
      const program = programOf(this.ws);
      try {
        const res = await fetch('/api/v1/projects', {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({ kind: 'artist', title, program }),
        });
        const doc = await res.json().catch(() => null);
        if (res.status === 201 && doc?.project?.id) {
          window.location.assign(`/projects/${encodeURIComponent(doc.project.id)}`);
          return;
        }
        this.say(doc?.error?.message ?? this.t('error_network'), 'problem');
      } catch {
        this.say(this.t('error_network'), 'problem');
      }
      keep.disabled = false;
    });
  }

  loadProgram() {
    const stored = this.data.signed_in ? null : levelProgress(this.level.id)?.program;
    for (const program of [this.data.saved_program, stored]) {
      if (!program || typeof program !== 'object') continue;
      try {
        Blockly.serialization.workspaces.load(program, this.ws);
        const starts = this.ws.getBlocksByType('when_run', false);
        if (starts.length === 1) {
          lockLevelBlocks(this.ws, this.level);
          return;
        }
      } catch (err) {
        console.warn('could not load the saved program', err);
      }
      this.ws.clear();
    }
    loadStartBlocks(Blockly, this.ws, this.level);
  }

  reset() {
    this.generation += 1;
    this.playback?.cancel();
    this.ws?.highlightBlock(null);
    this.stage?.reset();
    this.say('');
    if (this.runButton) {
      this.runButton.disabled = false;
      this.runButton.removeAttribute('aria-busy');
    }
  }

  async run({ stepwise = false } = {}) {
    if (this.posting) return;
    const generation = ++this.generation;
    const current = () => generation === this.generation;
    this.playback?.begin(stepwise);
    this.posting = true;
    this.runButton.disabled = true;
    this.runButton.setAttribute('aria-busy', 'true');
    this.ws.highlightBlock(null);
    this.stage?.reset();
    if (this.celebration) this.celebration.hidden = true;
    this.say(this.t('running'));
    const program = programOf(this.ws);
    this.playedCode = programToCode(program);
    try {
      let answer;
      try {
        answer = await postAttempt(this.level.id, { program, client_attempt_id: uuid() });
      } catch {
        if (current()) this.say(this.t('error_network'), 'problem');
        return;
      } finally {
        this.posting = false;
      }
      const { status, doc } = answer;
      if (status !== 200 || !doc || typeof doc.status !== 'string') {
        if (current()) this.say(this.problemText(status, doc), 'problem');
        return;
      }
      // The server has judged; remember it even if the learner resets during the animation.
      // What the server did not keep (no account, or a child whose parent has not yet said
      // yes) stays in this browser, to carry over later.
      if (doc.saved !== true) rememberVerdict(this.level.id, doc.status, { program });
      if (!current()) return;
      await this.play(doc.trace ?? [], current);
      if (!current()) return;
      this.ws.highlightBlock(null);
      this.say(this.verdictText(doc), doc.status);
      this.revealNext(doc.status);
      if (doc.status === 'failed' && this.hintsShown === 0) this.showHint();
    } finally {
      if (current()) {
        this.runButton.disabled = false;
        this.runButton.removeAttribute('aria-busy');
      }
    }
  }

  async play(trace, current) {
    if (!this.stage || trace.length === 0) return;
    // On a phone the stage sits above the workspace: bring it into view to watch the run.
    const stageEl = document.getElementById('stage');
    if (stageEl && window.matchMedia('(max-width: 52rem)').matches) stageEl.scrollIntoView({ block: 'nearest' });
    this.playing = true;
    try {
      for (const [i, step] of trace.entries()) {
        if (!current()) return;
        if (i > 0 && this.playback?.stepwise) {
          this.waitingForStep(true);
          await this.playback.gate();
          if (!current()) return;
          this.waitingForStep(false);
        }
        // The block being run, when the trace names it (a hand-made program may not): a step
        // without one leaves no stale highlight behind.
        this.ws.highlightBlock(step.block || null);
        if (this.playback?.stepwise) this.say(fill(this.t('step_of'), { n: i + 1, total: trace.length }));
        await this.stage.step(step, this.playback?.msFor(trace.length) ?? 250);
      }
    } finally {
      this.playing = false;
    }
  }

  // --- prompt levels ---

  startPrompt() {
    const form = document.getElementById('answer-form');
    const field = document.getElementById('answer');
    if (!form || !field) return;
    const max = this.level.prompt?.max_length;
    if (Number.isInteger(max) && !field.hasAttribute('maxlength')) field.maxLength = max;
    const stored = this.data.signed_in ? null : levelProgress(this.level.id)?.answer;
    if (!field.value && typeof stored === 'string') field.value = stored;
    const button = form.querySelector('button[type=submit], button:not([type])');
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (button?.disabled) return;
      const text = field.value;
      if (button) button.disabled = true;
      this.say(this.t('running'));
      try {
        const { status, doc } = await postAttempt(this.level.id, { answer: text, client_attempt_id: uuid() });
        if (status !== 200 || !doc || typeof doc.status !== 'string') {
          this.say(this.problemText(status, doc), 'problem');
          return;
        }
        if (doc.saved !== true) rememberVerdict(this.level.id, doc.status, { answer: text });
        this.say(this.verdictText(doc), doc.status);
        this.revealNext(doc.status);
      } catch {
        this.say(this.t('error_network'), 'problem');
      } finally {
        if (button) button.disabled = false;
      }
    });
  }
}

function start() {
  const data = readData();
  if (!data?.level) return;
  const page = new LevelPage(data);
  if (data.level.kind === 'prompt') page.startPrompt();
  else if (document.getElementById('blockly-area')) page.startEditor();
  window.kodlekLevelPage = page;
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  start();
}
