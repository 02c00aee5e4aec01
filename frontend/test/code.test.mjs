// Unit tests of the text code shown by "Show as code" (src/code.js): `npm test`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { programToCode } from '../src/code.js';

const program = (...chain) => {
  const link = (blocks) => {
    const [first, ...rest] = blocks;
    if (!first) return undefined;
    const next = link(rest);
    return next ? { ...first, next: { block: next } } : first;
  };
  return { blocks: { languageVersion: 0, blocks: [{ type: 'when_run', id: 's', x: 20, y: 20, next: { block: link(chain) } }] } };
};
const fwd = { type: 'maze_move_forward' };
const turn = (dir) => ({ type: 'maze_turn', fields: { DIR: dir } });
const repeat = (times, ...body) => ({
  type: 'controls_repeat',
  fields: { TIMES: times },
  inputs: { DO: { block: program(...body).blocks.blocks[0].next?.block } },
});

test('an empty program is no code', () => {
  assert.equal(programToCode({ blocks: { languageVersion: 0, blocks: [{ type: 'when_run' }] } }), '');
  assert.equal(programToCode(null), '');
  assert.equal(programToCode({}), '');
});

test('maze moves and turns, one statement a line', () => {
  assert.equal(
    programToCode(program(fwd, turn('turnLeft'), turn('turnRight'))),
    'moveForward();\nturnLeft();\nturnRight();',
  );
});

test('nested loops count with i, then j', () => {
  assert.equal(
    programToCode(program(repeat(4, fwd, repeat(2, turn('turnLeft'))))),
    [
      'for (let i = 0; i < 4; i++) {',
      '  moveForward();',
      '  for (let j = 0; j < 2; j++) {',
      '    turnLeft();',
      '  }',
      '}',
    ].join('\n'),
  );
});

test('conditions and the loop until the goal', () => {
  const ifElse = {
    type: 'maze_ifElse',
    fields: { DIR: 'isPathLeft' },
    inputs: { DO: { block: turn('turnLeft') }, ELSE: { block: fwd } },
  };
  const forever = { type: 'maze_forever', inputs: { DO: { block: { type: 'maze_if', fields: { DIR: 'isPathRight' } } } } };
  assert.equal(
    programToCode(program(ifElse, forever)),
    [
      'if (isPathLeft()) {',
      '  turnLeft();',
      '} else {',
      '  moveForward();',
      '}',
      'while (notAtGoal()) {',
      '  if (isPathRight()) {',
      '  }',
      '}',
    ].join('\n'),
  );
});

test("the artist's blocks, with the colour's name", () => {
  const code = programToCode(
    program(
      { type: 'artist_colour', fields: { COLOUR: '#DC2626' } },
      { type: 'artist_pen_up' },
      { type: 'artist_move_forward', fields: { DISTANCE: 50 } },
      { type: 'artist_pen_down' },
      { type: 'artist_turn', fields: { DIR: 'turnRight', ANGLE: 120 } },
      { type: 'artist_move_backward', fields: { DISTANCE: 'x' } },
    ),
    { '#dc2626': 'red' },
  );
  assert.equal(
    code,
    "setColour('#dc2626'); // red\npenUp();\nmoveForward(50);\npenDown();\nturnRight(120);\nmoveBackward(100);",
  );
});

test('blocks outside "when run" are left out; switched-off ones are comments', () => {
  const p = program(fwd, { ...repeat(3, fwd), enabled: false }, turn('turnRight'));
  p.blocks.blocks.push({ type: 'maze_move_forward', x: 300, y: 300 });
  assert.equal(
    programToCode(p),
    'moveForward();\n// for (let i = 0; i < 3; i++) {\n//   moveForward();\n// }\nturnRight();',
  );
});

test('an unknown block shows its type, and odd input cannot inject code', () => {
  assert.equal(programToCode(program({ type: 'maze_jump<script>' })), 'maze_jump_script_();');
  assert.equal(programToCode(program(repeat('4); alert(1', fwd))), 'for (let i = 0; i < 0; i++) {\n  moveForward();\n}');
});
