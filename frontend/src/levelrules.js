// A level's own rules in the editor: the program it opens with, the blocks it locks in place
// and how many of each block the toolbox gives. The server checks all of them again (it judges
// every program); here they only shape what the learner can do.

/** The level's toolbox limits as Blockly's `maxInstances`, with the one "when run". */
export function maxInstances(level) {
  const limits = {};
  for (const [type, n] of Object.entries(level.toolbox_limits ?? {})) {
    if (Number.isInteger(n) && n > 0) limits[type] = n;
  }
  return { ...limits, when_run: 1 };
}

/** Puts the level's start program (or an empty "when run") into an empty workspace. */
export function loadStartBlocks(Blockly, ws, level) {
  if (level.start_blocks && typeof level.start_blocks === 'object') {
    try {
      Blockly.serialization.workspaces.load(level.start_blocks, ws);
      if (ws.getBlocksByType('when_run', false).length === 1) return;
    } catch (err) {
      console.warn('could not load the start blocks', err);
    }
    ws.clear();
  }
  Blockly.serialization.blocks.append({ type: 'when_run', x: 20, y: 20, deletable: false }, ws);
}

function sameFields(block, fields) {
  return Object.entries(fields ?? {}).every(([name, value]) => String(block.getFieldValue(name)) === String(value));
}

/**
 * Locks the level's locked blocks in a loaded program: a saved program keeps only what runs,
 * not the locks, so each locked block is found again (the first unlocked one of its type and
 * fields under "when run") and locked. "When run" itself stays put on a level with start blocks.
 */
export function lockLevelBlocks(ws, level) {
  const start = ws.getBlocksByType('when_run', false)[0];
  if (!start) return;
  start.setDeletable(false);
  if (level.start_blocks) start.setMovable(false);
  const below = start.getDescendants(true).filter((b) => b !== start);
  const taken = new Set();
  for (const spec of Array.isArray(level.locked_blocks) ? level.locked_blocks : []) {
    const block = below.find((b) => !taken.has(b) && b.type === spec.type && sameFields(b, spec.fields));
    if (!block) continue;
    taken.add(block);
    block.setDeletable(false);
    block.setMovable(false);
    block.setEditable(false);
  }
}
