// The program as text code: the JSON program the level page sends, written as JavaScript-like
// lines for the curious. Written here by hand (not Blockly's generator, which would grow the
// bundle); it only shows the program and never runs it: the server judges every program.

const INDENT = '  ';
/** Loop counters by depth: i, j, k, then the alphabet's next letters. */
const COUNTERS = 'ijklmnpqrs';

const MAZE_TESTS = {
  isPathForward: 'isPathForward()',
  isPathLeft: 'isPathLeft()',
  isPathRight: 'isPathRight()',
};

/** A number as the code shows it: the field's value, or 0 when it is not a number. */
function num(value, fallback = 0) {
  const n = Number(value);
  return Number.isFinite(n) ? String(n) : String(fallback);
}

/** A block of the serialised program is switched off (Blockly 10 and later, and older). */
function disabled(block) {
  return block.enabled === false || (Array.isArray(block.disabledReasons) && block.disabledReasons.length > 0);
}

/** The first block of a statement input (`DO`, `ELSE`) or of `next`. */
function child(slot) {
  return slot && typeof slot === 'object' && slot.block && typeof slot.block === 'object' ? slot.block : null;
}

class Writer {
  constructor(names) {
    this.names = names;
    this.lines = [];
  }

  line(depth, text) {
    this.lines.push(INDENT.repeat(depth) + text);
  }

  /** A chain of blocks joined by `next`, one statement after another. */
  chain(first, depth, loops) {
    let guard = 0;
    for (let b = first; b && guard < 10_000; b = child(b.next), guard += 1) {
      this.block(b, depth, loops);
    }
  }

  body(block, input, depth, loops) {
    const first = child(block.inputs?.[input]);
    if (first) this.chain(first, depth, loops);
  }

  block(b, depth, loops) {
    if (disabled(b)) {
      // A switched-off block does not run; it shows as a comment, and so does what it holds.
      const inner = new Writer(this.names);
      inner.block({ ...b, enabled: true, disabledReasons: [] }, 0, loops);
      for (const l of inner.lines) this.line(depth, `// ${l}`);
      return;
    }
    const f = b.fields ?? {};
    switch (b.type) {
      case 'maze_move_forward':
        this.line(depth, 'moveForward();');
        break;
      case 'maze_turn':
        this.line(depth, f.DIR === 'turnRight' ? 'turnRight();' : 'turnLeft();');
        break;
      case 'controls_repeat': {
        const v = COUNTERS[loops] ?? `i${loops}`;
        this.line(depth, `for (let ${v} = 0; ${v} < ${num(f.TIMES, 0)}; ${v}++) {`);
        this.body(b, 'DO', depth + 1, loops + 1);
        this.line(depth, '}');
        break;
      }
      case 'maze_forever':
        this.line(depth, 'while (notAtGoal()) {');
        this.body(b, 'DO', depth + 1, loops);
        this.line(depth, '}');
        break;
      case 'maze_if':
      case 'maze_ifElse':
        this.line(depth, `if (${MAZE_TESTS[f.DIR] ?? MAZE_TESTS.isPathForward}) {`);
        this.body(b, 'DO', depth + 1, loops);
        if (b.type === 'maze_ifElse') {
          this.line(depth, '} else {');
          this.body(b, 'ELSE', depth + 1, loops);
        }
        this.line(depth, '}');
        break;
      case 'artist_move_forward':
        this.line(depth, `moveForward(${num(f.DISTANCE, 100)});`);
        break;
      case 'artist_move_backward':
        this.line(depth, `moveBackward(${num(f.DISTANCE, 100)});`);
        break;
      case 'artist_turn':
        this.line(depth, `${f.DIR === 'turnRight' ? 'turnRight' : 'turnLeft'}(${num(f.ANGLE, 90)});`);
        break;
      case 'artist_pen_up':
        this.line(depth, 'penUp();');
        break;
      case 'artist_pen_down':
        this.line(depth, 'penDown();');
        break;
      case 'artist_colour': {
        const value = /^#[0-9a-fA-F]{6}$/.test(String(f.COLOUR)) ? String(f.COLOUR).toLowerCase() : '#000000';
        const name = this.names[value];
        this.line(depth, `setColour('${value}');${name ? ` // ${name}` : ''}`);
        break;
      }
      default:
        // A block this page has no words for: its type, so that nothing is silently left out.
        this.line(depth, `${String(b.type ?? 'block').replace(/[^\w]/g, '_')}();`);
        break;
    }
  }
}

/**
 * The text code of a program as Blockly saves it (`{blocks: {blocks: [...]}}`): what hangs
 * under "when run", line by line. Blocks outside it do not run, and are not shown.
 * `names` maps a colour value (`#dc2626`) to its name in the page's language.
 */
export function programToCode(program, names = {}) {
  const tops = Array.isArray(program?.blocks?.blocks) ? program.blocks.blocks : [];
  const start = tops.find((b) => b && b.type === 'when_run');
  const w = new Writer(names);
  if (start) w.chain(child(start.next), 0, 0);
  return w.lines.join('\n');
}
