// The maze stage: the grid as SVG (walls, path, obstacles, start, goal) and the explorer, moved
// along the server's trace. Grid values (API.md): 0 wall, 1 open, 2 start, 3 goal, 4 obstacle;
// rows top to bottom.

const SVG = 'http://www.w3.org/2000/svg';
const CELL = 50;
const ANGLE = { north: 0, east: 90, south: 180, west: 270 };
const OBSTACLE = 4;

function el(name, attrs = {}, parent = null) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  parent?.appendChild(node);
  return node;
}

function find(grid, value) {
  for (let y = 0; y < grid.length; y++) {
    const x = grid[y].indexOf(value);
    if (x >= 0) return { x, y };
  }
  return null;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class MazeStage {
  /**
   * @param {HTMLElement} container  #stage, which carries the picture's description
   * @param {{grid: number[][], start_direction: string}} maze
   */
  constructor(container, maze) {
    this.grid = maze.grid;
    this.startDirection = maze.start_direction in ANGLE ? maze.start_direction : 'east';
    this.start = find(this.grid, 2) ?? { x: 0, y: 0 };
    this.goal = find(this.grid, 3);
    const rows = this.grid.length;
    const cols = Math.max(1, ...this.grid.map((r) => r.length));

    this.svg = el('svg', {
      class: 'maze',
      viewBox: `0 0 ${cols * CELL} ${rows * CELL}`,
      // The container describes the maze in words; the drawing itself says nothing more.
      'aria-hidden': 'true',
    });

    const board = el('g', { class: 'maze-board' }, this.svg);
    for (let y = 0; y < rows; y++) {
      for (let x = 0; x < cols; x++) {
        const v = this.grid[y][x] ?? 0;
        el('rect', {
          class: v === 0 ? 'maze-wall' : 'maze-path',
          x: x * CELL,
          y: y * CELL,
          width: CELL,
          height: CELL,
        }, board);
      }
    }
    this.drawObstacles(board);
    // The start: a ring on the floor. The goal: a flag on a pole (shape, not just colour).
    el('circle', {
      class: 'maze-start',
      cx: (this.start.x + 0.5) * CELL,
      cy: (this.start.y + 0.5) * CELL,
      r: CELL * 0.36,
    }, board);
    if (this.goal) {
      const g = el('g', {
        class: 'maze-goal',
        transform: `translate(${this.goal.x * CELL} ${this.goal.y * CELL})`,
      }, board);
      el('line', { class: 'maze-flag-pole', x1: 16, y1: 8, x2: 16, y2: 44 }, g);
      el('path', { class: 'maze-flag', d: 'M17 9 L40 16 L17 24 Z' }, g);
    }

    // The explorer: a body, a pointed nose and eyes that look where it faces, and the green
    // arrow of "move forward" in front of its nose, as on the blocks (blocks.js, explorerIcon):
    // forward is where the arrow points, whichever way that is on the screen.
    this.avatar = el('g', { class: 'maze-avatar' }, this.svg);
    this.body = el('g', {}, this.avatar);
    el('path', { class: 'maze-avatar-ahead', d: 'M0 -27 V-39 M-6 -33 L0 -40 L6 -33' }, this.body);
    el('circle', { class: 'maze-avatar-body', cx: 0, cy: 0, r: CELL * 0.3 }, this.body);
    el('path', { class: 'maze-avatar-nose', d: 'M0 -25 L9 -11 L-9 -11 Z' }, this.body);
    el('circle', { class: 'maze-avatar-eye', cx: -5, cy: -3, r: 2.5 }, this.body);
    el('circle', { class: 'maze-avatar-eye', cx: 5, cy: -3, r: 2.5 }, this.body);
    this.bang = el('g', { class: 'maze-bang' }, this.svg);
    el('path', { d: 'M-9 -9 L9 9 M9 -9 L-9 9' }, this.bang);

    container.replaceChildren(this.svg);
    this.reset();
  }

  /** A rock on each obstacle cell: a thing in the way on the floor, not a wall. */
  drawObstacles(board) {
    this.grid.forEach((row, y) => row.forEach((v, x) => {
      if (v !== OBSTACLE) return;
      const rock = el('g', { class: 'maze-rock', transform: `translate(${x * CELL} ${y * CELL})` }, board);
      el('path', { class: 'maze-rock-body', d: 'M9 38 L13 20 L24 11 L37 15 L42 30 L38 40 Z' }, rock);
      el('path', { class: 'maze-rock-crack', d: 'M22 16 L26 26 L21 33' }, rock);
    }));
  }

  /** Puts the explorer back on the start, facing the start direction, at once. */
  reset() {
    this.x = this.start.x;
    this.y = this.start.y;
    this.facing = this.startDirection;
    this.angle = ANGLE[this.facing];
    this.svg.classList.remove('crashed', 'solved');
    this.svg.classList.add('instant');
    this.place();
    this.bang.setAttribute('visibility', 'hidden');
    // Let the jump land before movements animate again.
    void this.svg.getBoundingClientRect();
    this.svg.classList.remove('instant');
  }

  place(dx = 0, dy = 0) {
    const px = (this.x + 0.5 + dx) * CELL;
    const py = (this.y + 0.5 + dy) * CELL;
    this.avatar.style.transform = `translate(${px}px, ${py}px)`;
    this.body.style.transform = `rotate(${this.angle}deg)`;
  }

  /** Plays one trace step, taking about `ms`. */
  async step(step, ms) {
    this.svg.style.setProperty('--step-ms', `${Math.round(ms * 0.8)}ms`);
    switch (step.op) {
      case 'move':
        this.x = step.x;
        this.y = step.y;
        this.place();
        await sleep(ms);
        break;
      case 'turn': {
        const to = ANGLE[step.direction];
        if (to === undefined) break;
        // Turn the short way: a quarter to the left or the right.
        let delta = (to - (this.angle % 360) + 360) % 360;
        if (delta > 180) delta -= 360;
        this.angle += delta;
        this.facing = step.direction;
        this.place();
        await sleep(ms);
        break;
      }
      case 'crash': {
        // A bump towards the wall and back, then a mark where it hit.
        const dx = (step.x - this.x) * 0.35;
        const dy = (step.y - this.y) * 0.35;
        this.place(dx, dy);
        await sleep(ms / 2);
        this.place();
        this.bang.style.transform =
          `translate(${(this.x + 0.5 + dx * 1.3) * CELL}px, ${(this.y + 0.5 + dy * 1.3) * CELL}px)`;
        this.bang.setAttribute('visibility', 'visible');
        this.svg.classList.add('crashed');
        await sleep(ms / 2);
        break;
      }
      case 'goal':
        this.svg.classList.add('solved');
        await sleep(ms);
        break;
      default:
        break;
    }
  }
}
