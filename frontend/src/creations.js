// The project editor (/projects/{id}) and the shared project's page (/shared/{share_id}):
// Blockly with the artist's or the sprites lab's blocks, Play and Stop, and autosave while
// editing. The page holds the project as JSON in #project-data.

import * as Blockly from 'blockly/core';
import * as En from 'blockly/msg/en';
import * as Sv from 'blockly/msg/sv';
import { ArtistStage } from './artist.js';
import { SWEDISH_ARIA } from './blockly-sv.js';
import { defineBlocks, keepFlyoutTidy, keepMeasuringInside, registerRenderer, speakPlainly, toolboxEntry } from './blocks.js';
import { SpriteStage, defineSpriteBlocks, spriteToolbox } from './sprites.js';

const MEDIA = '/static/blockly-media/';
/** How long the editor waits after the last change before it saves. */
const SAVE_AFTER_MS = 1200;

registerRenderer(Blockly);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const ARTIST_BLOCKS = ['artist_move_forward', 'artist_move_backward', 'artist_turn', 'controls_repeat',
  'artist_pen_up', 'artist_pen_down', 'artist_colour'];

/** The artist's drawing as trace steps, run here as the server runs it (from the middle). */
function artistTrace(program) {
  const steps = [];
  let at = [200, 200];
  let heading = 0;
  let pen = true;
  let colour = '#1d4ed8';
  let count = 0;
  const round = (v) => Math.round(v * 100) / 100;
  const exec = (block) => {
    for (let b = block; b; b = b.next?.block ?? b.next?.shadow) {
      if (b.enabled === false || (b.disabledReasons ?? []).length > 0) continue;
      if (++count > 10_000) return false;
      const f = b.fields ?? {};
      switch (b.type) {
        case 'artist_move_forward':
        case 'artist_move_backward': {
          const d = (Number(f.DISTANCE) || 0) * (b.type === 'artist_move_backward' ? -1 : 1);
          const rad = (heading * Math.PI) / 180;
          const to = [round(at[0] + d * Math.sin(rad)), round(at[1] - d * Math.cos(rad))];
          steps.push(pen ? { op: 'line', from: at, to, colour } : { op: 'jump', to });
          at = to;
          break;
        }
        case 'artist_turn':
          heading = (heading + (f.DIR === 'turnLeft' ? -1 : 1) * (Number(f.ANGLE) || 0) + 360) % 360;
          steps.push({ op: 'turn', heading });
          break;
        case 'artist_pen_up':
          pen = false;
          break;
        case 'artist_pen_down':
          pen = true;
          break;
        case 'artist_colour':
          colour = f.COLOUR ?? colour;
          break;
        case 'controls_repeat':
          for (let i = 0; i < (Number(f.TIMES) || 0); i++) {
            if (++count > 10_000 || exec(b.inputs?.DO?.block) === false) return false;
          }
          break;
        default:
          break;
      }
    }
    return true;
  };
  const start = (program?.blocks?.blocks ?? []).find((b) => b?.type === 'when_run');
  exec(start?.next?.block);
  return steps;
}

/**
 * The `media:<id>` values a program uses, and those of `offered` (ids of the learner's own
 * uploaded files, when the page lists them), each once.
 */
function mediaValues(program, offered = []) {
  const found = new Set((offered ?? []).map((id) => `media:${id}`));
  const todo = [program];
  while (todo.length > 0) {
    const v = todo.pop();
    if (Array.isArray(v)) todo.push(...v);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'fields' && x && typeof x === 'object') {
          for (const f of Object.values(x)) if (typeof f === 'string' && f.startsWith('media:')) found.add(f);
        } else todo.push(x);
      }
    }
  }
  return [...found];
}

class Project {
  constructor(data) {
    this.data = data;
    this.lang = data.lang === 'sv' ? 'sv' : 'en';
    this.texts = data.texts ?? {};
    this.project = data.project ?? {};
    this.kind = this.project.kind === 'artist' ? 'artist' : 'sprites';
    this.status = document.getElementById('save-status');
    this.playButton = document.getElementById('play-button');
    this.stopButton = document.getElementById('stop-button');
    this.saving = null;
    this.timer = null;
    this.generation = 0;
  }

  t(key) {
    return this.texts[key] ?? key;
  }

  start() {
    const stageEl = document.getElementById('stage');
    if (this.kind === 'sprites') {
      this.stage = new SpriteStage(stageEl, this.t('stage'), this.data.media_base ?? '/api/v1/media/');
    } else {
      this.stage = new ArtistStage(stageEl, { width: 400, height: 400, start: [200, 200], heading: 0, target: [] }, this.t('stage'));
    }
    if (this.data.mode === 'edit') this.startEditor();
    this.playButton?.addEventListener('click', () => this.play());
    this.stopButton?.addEventListener('click', () => this.stop());
    if (this.playButton) this.playButton.disabled = false;
    if (this.stopButton) this.stopButton.disabled = false;
    window.kodlekProject = this;
  }

  startEditor() {
    Blockly.setLocale(this.lang === 'sv' ? { ...Sv, ...SWEDISH_ARIA } : En);
    defineBlocks(Blockly, {}, this.lang);
    defineSpriteBlocks(Blockly, this.lang, mediaValues(this.project.program, this.data.media));
    speakPlainly(Blockly, Object.keys(Blockly.Blocks));
    const toolbox = this.kind === 'sprites'
      ? spriteToolbox()
      : { kind: 'flyoutToolbox', contents: ARTIST_BLOCKS.map(toolboxEntry) };
    this.ws = Blockly.inject(document.getElementById('blockly-area'), {
      toolbox,
      media: MEDIA,
      css: false,
      renderer: 'kodlek',
      sounds: true,
      trashcan: true,
      maxInstances: this.kind === 'artist' ? { when_run: 1 } : {},
      zoom: { controls: true, wheel: false, startScale: 0.9, maxScale: 2, minScale: 0.5 },
      move: { scrollbars: true, drag: true, wheel: true },
    });
    keepMeasuringInside(document.getElementById('blockly-area'));
    keepFlyoutTidy(document.getElementById('blockly-area'));
    window.kodlekWorkspace = this.ws;
    window.kodlekBlockly = Blockly;
    try {
      Blockly.serialization.workspaces.load(this.project.program, this.ws);
    } catch (err) {
      console.warn('could not load the project', err);
    }
    if (this.kind === 'artist') {
      for (const b of this.ws.getBlocksByType('when_run', false)) b.setDeletable(false);
    }
    this.ws.addChangeListener((e) => {
      if (e.isUiEvent || e.type === Blockly.Events.FINISHED_LOADING) return;
      this.changed();
    });
  }

  program() {
    return this.ws ? Blockly.serialization.workspaces.save(this.ws) : this.project.program;
  }

  changed() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), SAVE_AFTER_MS);
  }

  async save() {
    if (this.saving) {
      await this.saving;
    }
    const program = this.program();
    this.say(this.t('saving'));
    this.saving = fetch(`/api/v1/projects/${encodeURIComponent(this.project.id)}`, {
      method: 'PATCH',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ program }),
    })
      .then(async (res) => {
        if (res.ok) {
          this.say(this.t('saved'), 'saved');
          return;
        }
        let message = this.t('save-failed');
        try {
          const doc = await res.json();
          if (res.status === 422 && doc?.error?.message) message = doc.error.message;
        } catch {
          // The message above stands.
        }
        this.say(message, 'problem');
        if (res.status >= 500 || res.status === 429) this.changed();
      })
      .catch(() => {
        this.say(this.t('save-failed'), 'problem');
        this.changed();
      })
      .finally(() => {
        this.saving = null;
      });
    await this.saving;
  }

  say(text, state) {
    if (!this.status) return;
    this.status.textContent = text;
    if (state) this.status.dataset.state = state;
    else delete this.status.dataset.state;
  }

  async play() {
    const program = this.program();
    if (this.kind === 'sprites') {
      this.stage.play(program);
      return;
    }
    const generation = ++this.generation;
    this.stage.reset();
    const trace = artistTrace(program);
    const ms = Math.max(8, Math.min(200, 10_000 / Math.max(1, trace.length)));
    for (const step of trace) {
      if (generation !== this.generation) return;
      await this.stage.step(step, ms);
    }
    await sleep(0);
  }

  stop() {
    this.generation += 1;
    this.stage.stop?.();
  }
}

function readData() {
  const node = document.getElementById('project-data');
  if (!node) return null;
  try {
    return JSON.parse(node.textContent);
  } catch {
    return null;
  }
}

const data = readData();
if (data) new Project(data).start();
