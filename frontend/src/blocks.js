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

export function blockDefinitions(texts, lang) {
  const t = (key, fallback) => esc(texts[key] ?? fallback);
  /** A turn's label with its arrow, unless the text carries the arrow already. */
  const arrow = (text, mark) => (text.includes(mark) ? text : `${text} ${mark}`);
  const turns = [
    [arrow(t('block_turn_left', 'turn left'), '↺'), 'turnLeft'],
    [arrow(t('block_turn_right', 'turn right'), '↻'), 'turnRight'],
  ];
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
      message0: `${t('block_move_forward', 'move forward')} ↑`,
      ...statement,
      colour: COLOURS.move,
    },
    {
      type: 'maze_turn',
      message0: '%1',
      args0: [{ type: 'field_dropdown', name: 'DIR', options: turns }],
      ...statement,
      colour: COLOURS.move,
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

/** Registers the blocks (once per page) on the given Blockly. */
export function defineBlocks(Blockly, texts, lang) {
  if (!Blockly.Extensions.isRegistered('kodlek_cap')) {
    // The start block has the rounded "hat" top that says: everything starts here.
    Blockly.Extensions.register('kodlek_cap', function cap() {
      this.hat = 'cap';
    });
  }
  Blockly.common.defineBlocksWithJsonArray(blockDefinitions(texts, lang));
}

/** The toolbox entry of one block type: the loop comes with a sensible count. */
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

export function toolboxEntry(type) {
  if (type === 'controls_repeat') return { kind: 'block', type, fields: { TIMES: 4 } };
  return { kind: 'block', type };
}
