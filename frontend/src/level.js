// The puzzle editor of /levels/{level_id}: Blockly, the stage, and Run. The server judges every
// program; this page only sends it, animates the trace it gets back and shows the verdict.
// The page's HTML (rendered by the server) holds the level as JSON in #level-data.

import * as Blockly from 'blockly/core';
import * as En from 'blockly/msg/en';
import * as Sv from 'blockly/msg/sv';
import { ArtistStage } from './artist.js';
import { defineBlocks, keepMeasuringInside, toolboxEntry } from './blocks.js';
import { lockLevelBlocks, loadStartBlocks, maxInstances } from './levelrules.js';
import { MazeStage } from './maze.js';
import { levelProgress, rememberVerdict } from './progress.js';

const MEDIA = '/static/blockly-media/';
const STEP_MS = 250;
/** A long trace is played faster, so that no run lasts much longer than this. */
const MAX_PLAY_MS = 15_000;

// --- Blockly without <style> elements: the site's CSP allows only style sheets from itself,
// so the renderer's CSS ships in blockly.css (built by tools/blockly-css.cjs) instead.
class Constants extends Blockly.geras.ConstantProvider {
  injectCSS_() {}
}
class Renderer extends Blockly.geras.Renderer {
  makeConstants_() {
    return new Constants();
  }
}
Blockly.blockRendering.register('kodlek', Renderer);

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

  startEditor() {
    Blockly.setLocale(this.lang === 'sv' ? Sv : En);
    defineBlocks(Blockly, this.texts, this.lang);

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
      sounds: true,
      trashcan: true,
      maxInstances: maxInstances(this.level),
      zoom: { controls: true, wheel: false, startScale: 1.0, maxScale: 2, minScale: 0.5 },
      move: { scrollbars: true, drag: true, wheel: true },
      rtl: false,
    });
    keepMeasuringInside(area);
    window.kodlekWorkspace = this.ws;
    window.kodlekBlockly = Blockly;
    this.loadProgram();

    const label = this.level.title ?? '';
    const stageEl = document.getElementById('stage');
    if (stageEl && !stageEl.hasAttribute('aria-label')) stageEl.setAttribute('aria-label', label);
    if (stageEl && this.level.maze) this.stage = new MazeStage(stageEl, this.level.maze, label);
    else if (stageEl && this.level.artist) this.stage = new ArtistStage(stageEl, this.level.artist, label);

    this.runButton = document.getElementById('run-button');
    this.resetButton = document.getElementById('reset-button');
    this.runButton?.addEventListener('click', () => this.run());
    this.offerKeeping();
    this.resetButton?.addEventListener('click', () => this.reset());
    if (this.runButton) this.runButton.disabled = false;
    this.startTools();
  }

  /** On an artist level, a student keeps the drawing as a project of their own. */
  offerKeeping() {
    const keep = document.getElementById('keep-drawing');
    if (!keep || !this.level.artist) return;
    keep.hidden = false;
    keep.addEventListener('click', async () => {
      keep.disabled = true;
      const title = String(this.level.title ?? 'Drawing').slice(0, 60);
      const program = Blockly.serialization.workspaces.save(this.ws);
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
    this.ws?.highlightBlock(null);
    this.stage?.reset();
    this.say('');
    if (this.runButton) {
      this.runButton.disabled = false;
      this.runButton.removeAttribute('aria-busy');
    }
  }

  async run() {
    if (this.runButton?.disabled) return;
    const generation = ++this.generation;
    const current = () => generation === this.generation;
    this.runButton.disabled = true;
    this.runButton.setAttribute('aria-busy', 'true');
    this.ws.highlightBlock(null);
    this.stage?.reset();
    if (this.celebration) this.celebration.hidden = true;
    this.say(this.t('running'));
    const program = Blockly.serialization.workspaces.save(this.ws);
    try {
      let answer;
      try {
        answer = await postAttempt(this.level.id, { program, client_attempt_id: uuid() });
      } catch {
        if (current()) this.say(this.t('error_network'), 'problem');
        return;
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
    const ms = Math.max(8, Math.min(STEP_MS, MAX_PLAY_MS / trace.length));
    for (const step of trace) {
      if (!current()) return;
      if (step.block) this.ws.highlightBlock(step.block);
      await this.stage.step(step, ms);
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
