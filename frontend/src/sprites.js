// The sprites lab: its blocks (types, fields and values are the server's:
// crates/puzzles/src/program/sprites.rs) and the stage that runs a program in the browser.
// Labels in English and Swedish.

const LABELS = {
  en: {
    when_run: 'when run', when_clicked: 'when sprite %1 is clicked', when_key: 'when key %1 is pressed',
    costume: 'sprite %1 wears %2', move: 'move sprite %1 %2 by %3', goto: 'put sprite %1 at x %2 y %3',
    say: 'sprite %1 says %2', sound: 'play sound %1', wait: 'wait %1 seconds', hide: 'hide sprite %1',
    show: 'show sprite %1', repeat: 'repeat %1 times', forever: 'forever', if_key: 'if key %1 is down',
    if_else_key: 'if key %1 is down', else: 'else', if_touching: 'if sprite %1 touches sprite %2', do: 'do',
    up: 'up', down: 'down', left: 'left', right: 'right', space: 'space',
    cat: 'cat', dog: 'dog', frog: 'frog', fox: 'fox', rabbit: 'rabbit', panda: 'panda', unicorn: 'unicorn',
    dragon: 'dragon', robot: 'robot', alien: 'alien', rocket: 'rocket', ball: 'ball', star: 'star',
    heart: 'heart', tree: 'tree', ghost: 'ghost', pop: 'pop', beep: 'beep', boing: 'boing', ding: 'ding', file: 'my file',
  },
  sv: {
    when_run: 'när start', when_clicked: 'när figur %1 klickas', when_key: 'när tangent %1 trycks',
    costume: 'figur %1 klär ut sig till %2', move: 'flytta figur %1 %2 %3 steg', goto: 'sätt figur %1 på x %2 y %3',
    say: 'figur %1 säger %2', sound: 'spela ljudet %1', wait: 'vänta %1 sekunder', hide: 'göm figur %1',
    show: 'visa figur %1', repeat: 'upprepa %1 gånger', forever: 'för alltid', if_key: 'om tangent %1 är nere',
    if_else_key: 'om tangent %1 är nere', else: 'annars', if_touching: 'om figur %1 rör figur %2', do: 'gör',
    up: 'upp', down: 'ner', left: 'vänster', right: 'höger', space: 'mellanslag',
    cat: 'katt', dog: 'hund', frog: 'groda', fox: 'räv', rabbit: 'kanin', panda: 'panda', unicorn: 'enhörning',
    dragon: 'drake', robot: 'robot', alien: 'utomjording', rocket: 'raket', ball: 'boll', star: 'stjärna',
    heart: 'hjärta', tree: 'träd', ghost: 'spöke', pop: 'plopp', beep: 'pip', boing: 'boing', ding: 'pling', file: 'min fil',
  },
};

export const COSTUMES = ['cat', 'dog', 'frog', 'fox', 'rabbit', 'panda', 'unicorn', 'dragon', 'robot',
  'alien', 'rocket', 'ball', 'star', 'heart', 'tree', 'ghost'];
export const SOUNDS = ['pop', 'beep', 'boing', 'ding'];
const SPRITES = ['1', '2', '3', '4'];
const KEYS = ['up', 'down', 'left', 'right', 'space', 'a', 's', 'd', 'w'];
export const EVENTS = ['when_run', 'sprites_when_clicked', 'sprites_when_key'];

const COLOURS = { event: '#b45309', looks: '#7c3aed', motion: '#1d4ed8', sound: '#be185d', control: '#15803d' };

/**
 * Registers the sprites lab's blocks on the given Blockly, labelled in `lang`. `media` are the
 * `media:<id>` values of uploaded files the costume and sound menus offer besides the built-in
 * ones (those the program uses already among them, so that opening it keeps them).
 */
export function defineSpriteBlocks(Blockly, lang, media = []) {
  const L = LABELS[lang] ?? LABELS.en;
  const opts = (values) => values.map((v) => [L[v] ?? v, v]);
  const own = media.map((v, i) => [`${L.file ?? 'file'} ${i + 1}`, v]);
  const sprite = { type: 'field_dropdown', name: 'SPRITE', options: opts(SPRITES) };
  const key = { type: 'field_dropdown', name: 'KEY', options: opts(KEYS) };
  const st = { previousStatement: null, nextStatement: null };
  const body = (name) => ({ type: 'input_statement', name });
  Blockly.common.defineBlocksWithJsonArray([
    { type: 'sprites_when_clicked', message0: L.when_clicked, args0: [sprite], nextStatement: null, colour: COLOURS.event },
    { type: 'sprites_when_key', message0: L.when_key, args0: [key], nextStatement: null, colour: COLOURS.event },
    { type: 'sprites_costume', message0: L.costume, args0: [sprite, { type: 'field_dropdown', name: 'COSTUME', options: [...opts(COSTUMES), ...own] }], ...st, colour: COLOURS.looks },
    { type: 'sprites_move', message0: L.move, args0: [sprite, { type: 'field_dropdown', name: 'DIR', options: opts(['up', 'down', 'left', 'right']) }, { type: 'field_number', name: 'STEPS', value: 10, min: 0, max: 400 }], ...st, colour: COLOURS.motion },
    { type: 'sprites_goto', message0: L.goto, args0: [sprite, { type: 'field_number', name: 'X', value: 200, min: 0, max: 400 }, { type: 'field_number', name: 'Y', value: 200, min: 0, max: 400 }], ...st, colour: COLOURS.motion },
    { type: 'sprites_say', message0: L.say, args0: [sprite, { type: 'field_input', name: 'TEXT', text: lang === 'sv' ? 'Hej!' : 'Hello!', maxLength: 100 }], ...st, colour: COLOURS.looks },
    { type: 'sprites_hide', message0: L.hide, args0: [sprite], ...st, colour: COLOURS.looks },
    { type: 'sprites_show', message0: L.show, args0: [sprite], ...st, colour: COLOURS.looks },
    { type: 'sprites_sound', message0: L.sound, args0: [{ type: 'field_dropdown', name: 'SOUND', options: [...opts(SOUNDS), ...own] }], ...st, colour: COLOURS.sound },
    { type: 'sprites_wait', message0: L.wait, args0: [{ type: 'field_number', name: 'SECONDS', value: 1, min: 0, max: 10 }], ...st, colour: COLOURS.control },
    { type: 'sprites_forever', message0: `${L.forever} %1 %2`, args0: [{ type: 'input_dummy' }, body('DO')], previousStatement: null, colour: COLOURS.control },
    { type: 'sprites_if_key', message0: `${L.if_key} %2 %3`, args0: [key, { type: 'input_dummy' }, body('DO')], ...st, colour: COLOURS.control },
    { type: 'sprites_if_else_key', message0: `${L.if_else_key} %2 %3`, args0: [key, { type: 'input_dummy' }, body('DO')], message1: `${L.else} %1`, args1: [body('ELSE')], ...st, colour: COLOURS.control },
    { type: 'sprites_if_touching', message0: `${L.if_touching} %3 %4`, args0: [sprite, { type: 'field_dropdown', name: 'OTHER', options: opts(SPRITES) }, { type: 'input_dummy' }, body('DO')], ...st, colour: COLOURS.control },
  ]);
}

/** The sprites lab's toolbox. */
export function spriteToolbox() {
  const b = (type, fields) => ({ kind: 'block', type, ...(fields ? { fields } : {}) });
  return {
    kind: 'flyoutToolbox',
    contents: [
      b('when_run'), b('sprites_when_key', { KEY: 'right' }), b('sprites_when_clicked'),
      b('sprites_costume', { COSTUME: 'cat' }), b('sprites_say'), b('sprites_show'), b('sprites_hide'),
      b('sprites_move', { DIR: 'right' }), b('sprites_goto'), b('sprites_sound'), b('sprites_wait'),
      b('controls_repeat', { TIMES: 4 }), b('sprites_forever'), b('sprites_if_key'),
      b('sprites_if_else_key'), b('sprites_if_touching', { OTHER: '2' }),
    ],
  };
}

const SVG = 'http://www.w3.org/2000/svg';
const SIZE = 400;
const SPRITE_SIZE = 64;
const START = { 1: [100, 200], 2: [300, 200], 3: [200, 100], 4: [200, 300] };
const KEY_NAMES = { ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'left', ArrowRight: 'right', ' ': 'space' };

class Stopped extends Error {}

/** The stage: up to four sprites on a 400 × 400 SVG, and the program's event stacks. */
export class SpriteStage {
  constructor(container, label, mediaBase) {
    this.mediaBase = mediaBase;
    this.svg = document.createElementNS(SVG, 'svg');
    this.svg.setAttribute('viewBox', `0 0 ${SIZE} ${SIZE}`);
    this.svg.setAttribute('class', 'sprites-stage');
    this.svg.setAttribute('role', 'img');
    this.svg.setAttribute('aria-label', label);
    this.svg.setAttribute('tabindex', '0');
    const bg = document.createElementNS(SVG, 'rect');
    bg.setAttribute('width', SIZE);
    bg.setAttribute('height', SIZE);
    bg.setAttribute('fill', '#f0f9ff');
    this.svg.append(bg);
    container.replaceChildren(this.svg);
    this.generation = 0;
    this.down = new Set();
    this.onKeyDown = (e) => this.key(e, true);
    this.onKeyUp = (e) => this.key(e, false);
    this.reset();
  }

  reset() {
    for (const s of Object.values(this.sprites ?? {})) {
      s.g.remove();
    }
    this.sprites = {};
    for (const id of SPRITES) {
      const g = document.createElementNS(SVG, 'g');
      g.setAttribute('class', 'sprite');
      g.setAttribute('data-sprite', id);
      const img = document.createElementNS(SVG, 'image');
      img.setAttribute('width', SPRITE_SIZE);
      img.setAttribute('height', SPRITE_SIZE);
      const bubble = document.createElementNS(SVG, 'text');
      bubble.setAttribute('class', 'speech');
      bubble.setAttribute('text-anchor', 'middle');
      bubble.setAttribute('font-size', '16');
      g.append(img, bubble);
      g.addEventListener('click', () => this.fire('sprites_when_clicked', (f) => f.SPRITE === id));
      this.svg.append(g);
      const [x, y] = START[id];
      this.sprites[id] = { id, g, img, bubble, x, y, visible: false, costume: null };
      this.place(this.sprites[id]);
    }
  }

  place(s) {
    const x = Math.max(0, Math.min(SIZE, s.x));
    const y = Math.max(0, Math.min(SIZE, s.y));
    s.x = x;
    s.y = y;
    s.img.setAttribute('x', x - SPRITE_SIZE / 2);
    s.img.setAttribute('y', y - SPRITE_SIZE / 2);
    s.bubble.setAttribute('x', x);
    s.bubble.setAttribute('y', y - SPRITE_SIZE / 2 - 6);
    s.g.setAttribute('visibility', s.visible ? 'visible' : 'hidden');
    s.g.setAttribute('data-x', String(Math.round(x)));
    s.g.setAttribute('data-y', String(Math.round(y)));
  }

  url(value, folder, ext) {
    if (typeof value === 'string' && value.startsWith('media:')) {
      return this.mediaBase + encodeURIComponent(value.slice(6));
    }
    return `/static/${folder}/${encodeURIComponent(value)}.${ext}`;
  }

  key(e, down) {
    const target = e.target;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) return;
    const name = KEY_NAMES[e.key] ?? (e.key.length === 1 ? e.key.toLowerCase() : null);
    if (!name) return;
    if (KEY_NAMES[e.key]) e.preventDefault();
    if (down) {
      const fresh = !this.down.has(name);
      this.down.add(name);
      if (fresh || e.repeat) this.fire('sprites_when_key', (f) => f.KEY === name);
    } else {
      this.down.delete(name);
    }
  }

  /** Starts the program: the `when_run` stacks now, the others on their events. */
  play(program) {
    this.stop();
    this.reset();
    this.program = program;
    const generation = ++this.generation;
    this.running = () => generation === this.generation;
    window.addEventListener('keydown', this.onKeyDown);
    window.addEventListener('keyup', this.onKeyUp);
    this.svg.focus();
    this.fire('when_run', () => true);
  }

  stop() {
    this.generation += 1;
    this.down.clear();
    window.removeEventListener('keydown', this.onKeyDown);
    window.removeEventListener('keyup', this.onKeyUp);
  }

  fire(type, matches) {
    if (!this.program || !this.running?.()) return;
    for (const top of this.program?.blocks?.blocks ?? []) {
      if (top?.type === type && matches(top.fields ?? {})) {
        const first = top.next?.block ?? top.next?.shadow;
        if (first) this.runStack(first).catch(() => {});
      }
    }
  }

  async runStack(first) {
    let steps = 0;
    const alive = this.running;
    const tick = async (ms) => {
      if (!alive()) throw new Stopped();
      await new Promise((r) => setTimeout(r, ms));
      if (!alive()) throw new Stopped();
    };
    const exec = async (block) => {
      for (let b = block; b; b = b.next?.block ?? b.next?.shadow) {
        if (b.enabled === false || (b.disabledReasons ?? []).length > 0) continue;
        steps += 1;
        await this.block(b, exec, tick);
        // A program that never waits still lets the page breathe.
        if (steps % 50 === 0) await tick(0);
      }
    };
    await exec(first);
  }

  async block(b, exec, tick) {
    const f = b.fields ?? {};
    const s = this.sprites[f.SPRITE];
    const inner = (name) => b.inputs?.[name]?.block ?? b.inputs?.[name]?.shadow;
    switch (b.type) {
      case 'sprites_costume':
        if (!s) return;
        s.img.setAttribute('href', this.url(f.COSTUME, 'sprites', 'svg'));
        s.costume = f.COSTUME;
        s.g.setAttribute('data-costume', String(f.COSTUME));
        s.visible = true;
        this.place(s);
        return;
      case 'sprites_move': {
        if (!s) return;
        const n = Number(f.STEPS) || 0;
        const [dx, dy] = { up: [0, -1], down: [0, 1], left: [-1, 0], right: [1, 0] }[f.DIR] ?? [0, 0];
        s.x += dx * n;
        s.y += dy * n;
        this.place(s);
        await tick(16);
        return;
      }
      case 'sprites_goto':
        if (!s) return;
        s.x = Number(f.X) || 0;
        s.y = Number(f.Y) || 0;
        this.place(s);
        await tick(16);
        return;
      case 'sprites_say':
        if (s) s.bubble.textContent = String(f.TEXT ?? '');
        return;
      case 'sprites_hide':
      case 'sprites_show':
        if (!s) return;
        s.visible = b.type === 'sprites_show';
        this.place(s);
        return;
      case 'sprites_sound':
        try {
          const audio = new Audio(this.url(f.SOUND, 'sounds', 'wav'));
          audio.play().catch(() => {});
        } catch {
          // A browser without sound plays on silently.
        }
        return;
      case 'sprites_wait':
        await tick(Math.max(0, Math.min(10, Number(f.SECONDS) || 0)) * 1000);
        return;
      case 'controls_repeat':
        for (let i = 0; i < (Number(f.TIMES) || 0); i++) {
          await exec(inner('DO'));
          await tick(0);
        }
        return;
      case 'sprites_forever':
        for (;;) {
          await exec(inner('DO'));
          await tick(16);
        }
      case 'sprites_if_key':
        if (this.down.has(f.KEY)) await exec(inner('DO'));
        return;
      case 'sprites_if_else_key':
        await exec(inner(this.down.has(f.KEY) ? 'DO' : 'ELSE'));
        return;
      case 'sprites_if_touching': {
        const o = this.sprites[f.OTHER];
        const touching = s && o && s !== o && s.visible && o.visible
          && Math.abs(s.x - o.x) < SPRITE_SIZE && Math.abs(s.y - o.y) < SPRITE_SIZE;
        if (touching) await exec(inner('DO'));
        return;
      }
      default:
        return;
    }
  }
}
