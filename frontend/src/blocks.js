// The puzzle blocks, as Blockly JSON definitions. Their types, field names and values are the
// server's (API.md, "Maze block types"; crates/puzzles/src/program.rs): change none of them.
// No block has a help link, since every link would lead off the site.

const COLOURS = {
  start: '#b45309',
  move: '#1d4ed8',
  loop: '#15803d',
  logic: '#7e22ce',
  pen: '#0f766e',
  paint: '#be185d',
};

/** The artist's colours: values as the server wants them, names in both languages. */
export const PAINTS = [
  ['#1d4ed8', 'blue', 'blå'],
  ['#dc2626', 'red', 'röd'],
  ['#16a34a', 'green', 'grön'],
  ['#f59e0b', 'orange', 'orange'],
  ['#9333ea', 'purple', 'lila'],
  ['#000000', 'black', 'svart'],
  ['#db2777', 'pink', 'rosa'],
  ['#0891b2', 'teal', 'turkos'],
];

/** Blockly reads `%1` in a message as an argument; a label's own `%` must be doubled. */
const esc = (s) => String(s).replaceAll('%', '%%');

/** A label without the arrows and marks that some texts carry: the icons say that. */
const words = (s) => String(s).replace(/[↺↻↑▶✎]/gu, ' ').replace(/\s+/g, ' ').trim();

// --- The explorer on the blocks ---
//
// "Forward" is wherever the explorer's nose points, not "up the screen". So the maze blocks do
// not show a screen arrow (the old "↑" while the explorer faced right): they show the explorer
// itself, drawn as on the stage (blue body, orange pointed nose, eyes looking ahead), turned the
// way it faces at the start of the level, with a green arrow leaving its nose. "move forward"
// has the arrow straight ahead of the nose; "turn left" and "turn right" have it bending to the
// explorer's own left or right (anticlockwise or clockwise, like ↺ and ↻). The stage draws the
// same green arrow in front of the explorer, so a child can match the block to the picture:
// "it walks where the arrow points".

const ICON = 28;
const EXPLORER =
  '<circle cx="0" cy="5" r="6.5" fill="#1d4ed8" stroke="#fff" stroke-width="1"/>' +
  '<path d="M0 -4 L4 1 L-4 1 Z" fill="#f59e0b" stroke="#7c2d12" stroke-width=".8"/>' +
  '<circle cx="-2.4" cy="4.5" r="1.3" fill="#fff"/><circle cx="2.4" cy="4.5" r="1.3" fill="#fff"/>';
const ARROWS = {
  forward: '<path d="M0 -5 V-11.5 M-3.5 -8 L0 -11.5 L3.5 -8"/>',
  turnLeft: '<path d="M0 -5 C0 -9 -2 -10 -8 -10 M-5 -13 L-8.5 -10 L-5 -7"/>',
  turnRight: '<path d="M0 -5 C0 -9 2 -10 8 -10 M5 -13 L8.5 -10 L5 -7"/>',
};
const FACING = { north: 0, east: 90, south: 180, west: 270 };

/** The explorer with the arrow of `move` ('forward', 'turnLeft', 'turnRight'), as a data: URL. */
export function explorerIcon(move, facing = 'east') {
  const angle = FACING[facing] ?? 90;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${ICON}" height="${ICON}" viewBox="-13 -13 26 26">` +
    `<circle r="12.5" fill="#fff"/><g transform="rotate(${angle})">${EXPLORER}` +
    `<g fill="none" stroke="#15803d" stroke-width="2.6" stroke-linecap="round" stroke-linejoin="round">${ARROWS[move]}</g>` +
    '</g></svg>';
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/**
 * What a screen reader says for a block: its words in order, without the arrows. A picture's
 * text is its `alt`, empty on ours: the words beside it say what it shows.
 */
export function spokenLabel(block) {
  return words(
    block.inputList
      .flatMap((input) => input.fieldRow)
      .filter((field) => field.isVisible())
      .map((field) => field.getText())
      .join(' '),
  );
}

export function blockDefinitions(texts, lang, facing = 'east') {
  const t = (key, fallback) => esc(texts[key] ?? fallback);
  const turns = [
    [words(t('block_turn_left', 'turn left')), 'turnLeft'],
    [words(t('block_turn_right', 'turn right')), 'turnRight'],
  ];
  /** An artist turn's label with its arrow, unless the text carries the arrow already. */
  const arrow = (text, mark) => (text.includes(mark) ? text : `${text} ${mark}`);
  const artistTurns = [
    [arrow(t('block_artist_turn_left', 'turn left'), '↺'), 'turnLeft'],
    [arrow(t('block_artist_turn_right', 'turn right'), '↻'), 'turnRight'],
  ];
  const paths = [
    [t('block_path_forward', 'path ahead'), 'isPathForward'],
    [t('block_path_left', 'path to the left'), 'isPathLeft'],
    [t('block_path_right', 'path to the right'), 'isPathRight'],
  ];
  const paints = PAINTS.map(([value, en, sv]) => [
    esc(texts[`colour_${en}`] ?? (lang === 'sv' ? sv : en)),
    value,
  ]);
  const distance = { type: 'field_number', name: 'DISTANCE', value: 100, min: 0, max: 400 };
  const statement = { previousStatement: null, nextStatement: null };

  return [
    {
      type: 'when_run',
      message0: `${t('block_when_run', 'when run')} ▶`,
      nextStatement: null,
      colour: COLOURS.start,
      extensions: ['kodlek_cap'],
    },
    {
      type: 'maze_move_forward',
      message0: `%1 ${words(t('block_move_forward', 'move forward'))}`,
      args0: [{ type: 'field_image', src: explorerIcon('forward', facing), width: ICON, height: ICON, alt: '' }],
      ...statement,
      colour: COLOURS.move,
    },
    {
      type: 'maze_turn',
      message0: '%1 %2',
      args0: [
        { type: 'field_image', name: 'ICON', src: explorerIcon('turnLeft', facing), width: ICON, height: ICON, alt: '' },
        { type: 'field_dropdown', name: 'DIR', options: turns },
      ],
      ...statement,
      colour: COLOURS.move,
      extensions: ['kodlek_turn_icon'],
    },
    {
      type: 'maze_forever',
      message0: `${t('block_forever', 'repeat until the goal')} %1 %2`,
      args0: [{ type: 'input_dummy' }, { type: 'input_statement', name: 'DO' }],
      // Nothing after it runs: it ends at the goal or not at all.
      previousStatement: null,
      colour: COLOURS.loop,
    },
    {
      type: 'maze_if',
      message0: `${t('block_if', 'if')} %1 %2 %3`,
      args0: [
        { type: 'field_dropdown', name: 'DIR', options: paths },
        { type: 'input_dummy' },
        { type: 'input_statement', name: 'DO' },
      ],
      ...statement,
      colour: COLOURS.logic,
    },
    {
      type: 'maze_ifElse',
      message0: `${t('block_if', 'if')} %1 %2 %3`,
      args0: [
        { type: 'field_dropdown', name: 'DIR', options: paths },
        { type: 'input_dummy' },
        { type: 'input_statement', name: 'DO' },
      ],
      message1: `${t('block_else', 'else')} %1`,
      args1: [{ type: 'input_statement', name: 'ELSE' }],
      ...statement,
      colour: COLOURS.logic,
    },
    {
      // Blockly's own loop block, with our labels and the server's limits (0 to 100 rounds).
      type: 'controls_repeat',
      message0: `${t('block_repeat', 'repeat')} %1 ${t('block_times', 'times')} %2 %3`,
      args0: [
        { type: 'field_number', name: 'TIMES', value: 4, min: 0, max: 100, precision: 1 },
        { type: 'input_dummy' },
        { type: 'input_statement', name: 'DO' },
      ],
      ...statement,
      colour: COLOURS.loop,
    },
    {
      type: 'artist_move_forward',
      message0: `${t('block_artist_forward', 'move forward by')} %1`,
      args0: [distance],
      ...statement,
      colour: COLOURS.move,
    },
    {
      type: 'artist_move_backward',
      message0: `${t('block_artist_backward', 'move backward by')} %1`,
      args0: [distance],
      ...statement,
      colour: COLOURS.move,
    },
    {
      type: 'artist_turn',
      message0: `%1 %2 ${t('block_degrees', 'degrees')}`,
      args0: [
        { type: 'field_dropdown', name: 'DIR', options: artistTurns },
        { type: 'field_number', name: 'ANGLE', value: 90, min: 0, max: 360 },
      ],
      ...statement,
      colour: COLOURS.move,
    },
    {
      type: 'artist_pen_up',
      message0: `${t('block_pen_up', 'pen up')} ✎`,
      ...statement,
      colour: COLOURS.pen,
    },
    {
      type: 'artist_pen_down',
      message0: `${t('block_pen_down', 'pen down')} ✎`,
      ...statement,
      colour: COLOURS.pen,
    },
    {
      type: 'artist_colour',
      message0: `${t('block_colour', 'colour')} %1`,
      args0: [{ type: 'field_dropdown', name: 'COLOUR', options: paints }],
      ...statement,
      colour: COLOURS.paint,
    },
  ];
}

/**
 * Registers the renderer `kodlek`: Blockly's geras, without a <style> element of its own (the
 * site's CSP allows only style sheets from itself, so its CSS ships in blockly.css, built by
 * tools/blockly-css.cjs), and with a block's words centred beside a taller picture (geras puts
 * them at the top of the row).
 */
export function registerRenderer(Blockly) {
  const { Types } = Blockly.blockRendering;
  class Constants extends Blockly.geras.ConstantProvider {
    injectCSS_() {}
  }
  class Info extends Blockly.geras.RenderInfo {
    getElemCenterline_(row, elem) {
      if (Types.isField(elem) && Types.isInputRow(row) && !row.hasStatement && !row.hasInlineInput) {
        return row.yPos + row.height / 2;
      }
      return super.getElemCenterline_(row, elem);
    }
  }
  class Renderer extends Blockly.geras.Renderer {
    makeConstants_() {
      return new Constants();
    }

    makeRenderInfo_(block) {
      return new Info(this, block);
    }
  }
  Blockly.blockRendering.register('kodlek', Renderer);
}

/**
 * Registers the blocks (once per page) on the given Blockly. `facing` is where the maze's
 * explorer looks at the start: the blocks' pictures of it look the same way.
 */
export function defineBlocks(Blockly, texts, lang, facing = 'east') {
  if (!Blockly.Extensions.isRegistered('kodlek_cap')) {
    // The start block has the rounded "hat" top that says: everything starts here.
    Blockly.Extensions.register('kodlek_cap', function cap() {
      this.hat = 'cap';
    });
  }
  if (!Blockly.Extensions.isRegistered('kodlek_turn_icon')) {
    // The turn's picture follows its direction.
    Blockly.Extensions.register('kodlek_turn_icon', function turnIcon() {
      const show = (dir) => this.getField('ICON')?.setValue(explorerIcon(dir === 'turnRight' ? 'turnRight' : 'turnLeft', facing));
      this.getField('DIR')?.setValidator((dir) => {
        show(dir);
        return dir;
      });
      show(this.getFieldValue('DIR'));
    });
  }
  const definitions = blockDefinitions(texts, lang, facing);
  Blockly.common.defineBlocksWithJsonArray(definitions);
  speakPlainly(Blockly, definitions.map((d) => d.type));
}

/**
 * Blockly 13 reads a focused block out as its fields joined by commas, arrows and all
 * ("repeat, 4, times, has input"). Ours say what the child reads on the block ("repeat 4
 * times", "turn left"), after "begin stack" for the top of a stack and before "disabled" for a
 * block that is not part of the program, in Blockly's own words for those.
 */
export function speakPlainly(Blockly, types) {
  for (const type of types) {
    const definition = Blockly.Blocks[type];
    if (!definition || definition.kodlekSpoken) continue;
    const init = definition.init;
    definition.kodlekSpoken = true;
    definition.init = function initSpoken() {
      init.call(this);
      this.getAriaLabel = function ariaLabel() {
        const top = !this.isInFlyout && !this.isDragging() && this.getRootBlock() === this;
        return [
          top ? Blockly.Msg.BLOCK_LABEL_BEGIN_STACK : '',
          spokenLabel(this),
          this.isEnabled() ? '' : Blockly.Msg.BLOCK_LABEL_DISABLED,
        ]
          .filter(Boolean)
          .join(', ');
      };
    };
  }
}

/**
 * Blockly 13 gives the flyout's canvas the role "listbox" and its blocks the role "option", but
 * also leaves each flyout block's connection points in the tree as "figure"s, which a listbox
 * may not hold (axe: aria-required-children). Nothing connects to a block in the flyout, so
 * those points are hidden from assistive technology there, whenever Blockly draws them.
 */
export function keepFlyoutTidy(area) {
  const hide = () => {
    for (const node of area.querySelectorAll('.blocklyFlyout [role="figure"]:not([aria-hidden])')) {
      node.setAttribute('aria-hidden', 'true');
    }
  };
  hide();
  new MutationObserver(hide).observe(area, { subtree: true, childList: true, attributeFilter: ['role'] });
}

/**
 * Blockly measures text on a canvas of its own that it appends to <body>, outside every
 * landmark. Nobody ever sees it: it is hidden from screen readers and kept in the editor.
 */
export function keepMeasuringInside(area) {
  const measuring = document.querySelector('body > canvas.blocklyComputeCanvas');
  if (measuring && area) {
    measuring.setAttribute('aria-hidden', 'true');
    area.append(measuring);
  }
}

/** The toolbox entry of one block type: the loop comes with a sensible count. */
export function toolboxEntry(type) {
  if (type === 'controls_repeat') return { kind: 'block', type, fields: { TIMES: 4 } };
  return { kind: 'block', type };
}
