// A development server for the front end alone (never used in production): serves dist/ the way
// crates/web/src/assets.rs does, pages that follow the level page's contract, and stub API
// answers from a tiny maze and artist interpreter, all under the site's real CSP.
//
//   npm run build && node dev/server.mjs [port]     then open http://127.0.0.1:8099/levels/dev-maze
//
// The verdicts here are made up for trying the page; the real ones come from the server.

import { readFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, '..', 'dist');
const siteCss = path.join(here, '..', '..', 'crates', 'web', 'static', 'style.css');

/** The same policy as crates/web/src/security.rs. */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const TYPES = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.mp3': 'audio/mpeg',
  '.cur': 'image/x-icon',
};

const TEXTS = {
  run: 'Run', running: 'Running…', reset: 'Reset', next: 'Next level',
  success_perfect: 'You did it, with the fewest blocks!',
  success_passed: 'You did it! You used {used} blocks; can you do it with {ideal}?',
  failed_crashed: 'Bump! You walked into a wall.',
  failed_not_reached_goal: 'Not there yet: the explorer did not reach the flag.',
  failed_too_many_steps: 'That took too many steps.',
  failed_block_not_allowed: 'This level does not allow one of your blocks.',
  failed_missing_required_block: 'Use the block that this level asks for.',
  failed_wrong_drawing: 'That is not quite the picture.',
  completed: 'Done!',
  invalid_program: 'Something is wrong with your blocks.',
  error_network: 'Could not reach the server. Try again.',
  block_when_run: 'when run', block_move_forward: 'move forward', block_turn_left: 'turn left',
  block_turn_right: 'turn right', block_forever: 'repeat until the flag', block_if: 'if',
  block_else: 'else', block_path_forward: 'path ahead', block_path_left: 'path to the left',
  block_path_right: 'path to the right', block_repeat: 'repeat', block_times: 'times',
  block_artist_forward: 'move forward by', block_artist_backward: 'move backward by',
  block_artist_turn_left: 'turn left by', block_artist_turn_right: 'turn right by',
  block_degrees: 'degrees', block_pen_up: 'pen up', block_pen_down: 'pen down',
  block_colour: 'colour', submit_answer: 'Send',
};

const LEVELS = {
  'dev-maze': {
    id: 'dev-maze', kind: 'maze', title: 'A corner', instructions: 'Reach the flag.',
    toolbox: ['maze_move_forward', 'maze_turn', 'controls_repeat', 'maze_forever', 'maze_if', 'maze_ifElse'],
    required_blocks: [], ideal_blocks: 5,
    maze: {
      grid: [
        [0, 0, 0, 0, 0, 0],
        [0, 2, 1, 1, 1, 0],
        [0, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 3, 0],
        [0, 0, 0, 0, 0, 0],
      ],
      start_direction: 'east',
    },
  },
  'dev-artist': {
    id: 'dev-artist', kind: 'artist', title: 'A square', instructions: 'Draw the square.',
    toolbox: ['artist_move_forward', 'artist_move_backward', 'artist_turn', 'controls_repeat', 'artist_pen_up', 'artist_pen_down', 'artist_colour'],
    required_blocks: [], ideal_blocks: 3,
    artist: {
      width: 400, height: 400, start: [100, 300], heading: 0,
      target: [
        { from: [100, 300], to: [100, 100], colour: '#1d4ed8' },
        { from: [100, 100], to: [300, 100], colour: '#1d4ed8' },
        { from: [300, 100], to: [300, 300], colour: '#1d4ed8' },
        { from: [300, 300], to: [100, 300], colour: '#1d4ed8' },
      ],
    },
  },
  'dev-prompt': {
    id: 'dev-prompt', kind: 'prompt', title: 'Think back', instructions: 'What did you learn?',
    toolbox: [], required_blocks: [], ideal_blocks: null, prompt: { max_length: 2000 },
  },
};

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON inside <script>: no `</script>` can end it early. */
const scriptJson = (v) => JSON.stringify(v).replace(/</g, '\\u003c');

function layout(title, body, { signedIn = false, levelPage = false } = {}) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)} · Kodlek (dev)</title>
<link rel="stylesheet" href="/static/style.css">${levelPage ? '<link rel="stylesheet" href="/static/dist/blockly.css">' : ''}
<script src="/static/dist/common.js" defer></script>${levelPage ? '<script src="/static/dist/level.js" defer></script>' : ''}
</head><body><header class="top"><a class="brand" href="/">Kodlek</a><nav>${
    signedIn
      ? '<a href="/account">Account</a><form id="sign-out-form" class="inline" method="post" action="/sign-out"><button type="submit" class="link">Sign out</button></form>'
      : '<a href="/sign-in">Sign in</a>'
  }</nav></header><main id="main">${body}</main></body></html>`;
}

function levelPage(level, { signedIn }) {
  const data = { level, signed_in: signedIn, lang: 'en', next_url: '/levels/dev-artist', saved_program: null, texts: TEXTS };
  const banner = signedIn ? '' : '<p id="not-saved-banner" class="notice">You are not signed in: your progress stays in this browser.</p>';
  const work =
    level.kind === 'prompt'
      ? `<form id="answer-form"><label for="answer">Your answer</label><textarea id="answer" name="answer"></textarea><button type="submit">${esc(TEXTS.submit_answer)}</button></form>`
      : `<div class="puzzle"><div id="stage"></div><div id="blockly-area"></div></div>
<p><button id="run-button" type="button" disabled>${esc(TEXTS.run)}</button> <button id="reset-button" type="button" class="secondary">${esc(TEXTS.reset)}</button></p>`;
  return layout(level.title, `${banner}<h1>${esc(level.title)}</h1><p>${esc(level.instructions)}</p>
<script type="application/json" id="level-data">${scriptJson(data)}</script>
${work}<p id="result" role="status" aria-live="polite"></p><a id="next-link" hidden href="${esc(data.next_url)}">${esc(TEXTS.next)}</a>`, { signedIn, levelPage: true });
}

function coursePage({ signedIn }) {
  const bubbles = Object.values(LEVELS)
    .map((l, i) => `<li><a class="level-bubble status-none" data-level-id="${l.id}" data-label-failed="tried" data-label-completed="done" data-label-passed="solved" data-label-perfect="perfect" href="/levels/${l.id}">${i + 1} <span class="status-label">not tried</span></a></li>`)
    .join('');
  const carry = signedIn
    ? '<section id="carry-progress" hidden><p>Keep what you did before signing in?</p><button id="carry-button" type="button">Keep it</button> <button id="carry-dismiss" type="button" class="secondary">No thanks</button><p id="carry-result" role="status"></p></section>'
    : '';
  return layout('Dev course', `<h1>Dev course</h1>${carry}<ol>${bubbles}</ol>`, { signedIn });
}

// --- a toy judge, enough to animate something ---

const DIRS = ['north', 'east', 'south', 'west'];
const DELTA = { north: [0, -1], east: [1, 0], south: [0, 1], west: [-1, 0] };

function chain(block) {
  const out = [];
  for (let b = block; b; b = b.next?.block) if (b.enabled !== false) out.push(b);
  return out;
}

function countBlocks(block) {
  let n = 0;
  for (const b of chain(block)) {
    n += 1;
    for (const input of Object.values(b.inputs ?? {})) n += countBlocks(input.block);
  }
  return n;
}

function judgeMaze(level, top) {
  const grid = level.maze.grid;
  const cell = (x, y) => grid[y]?.[x] ?? 0;
  let y = grid.findIndex((r) => r.includes(2));
  let x = grid[y].indexOf(2);
  let facing = level.maze.start_direction;
  const trace = [];
  let steps = 0;
  const turned = (right) => DIRS[(DIRS.indexOf(facing) + (right ? 1 : 3)) % 4];
  const open = (dir) => {
    const d = dir === 'isPathLeft' ? turned(false) : dir === 'isPathRight' ? turned(true) : facing;
    return cell(x + DELTA[d][0], y + DELTA[d][1]) !== 0;
  };
  const exec = (block) => {
    for (const b of chain(block)) {
      if (++steps > 10_000) throw 'too_many_steps';
      switch (b.type) {
        case 'maze_move_forward': {
          const [nx, ny] = [x + DELTA[facing][0], y + DELTA[facing][1]];
          if (cell(nx, ny) === 0) {
            trace.push({ op: 'crash', block: b.id, x: nx, y: ny });
            throw 'crashed';
          }
          [x, y] = [nx, ny];
          trace.push({ op: 'move', block: b.id, x, y });
          if (cell(x, y) === 3) {
            trace.push({ op: 'goal' });
            throw 'goal';
          }
          break;
        }
        case 'maze_turn':
          facing = turned(b.fields?.DIR === 'turnRight');
          trace.push({ op: 'turn', block: b.id, direction: facing });
          break;
        case 'controls_repeat':
          for (let i = 0; i < (b.fields?.TIMES ?? 0); i++) {
            steps += 1;
            exec(b.inputs?.DO?.block);
          }
          break;
        case 'maze_forever':
          for (;;) {
            if (++steps > 10_000) throw 'too_many_steps';
            exec(b.inputs?.DO?.block);
          }
        case 'maze_if':
          if (open(b.fields?.DIR)) exec(b.inputs?.DO?.block);
          break;
        case 'maze_ifElse':
          exec(open(b.fields?.DIR) ? b.inputs?.DO?.block : b.inputs?.ELSE?.block);
          break;
        default:
          break;
      }
    }
  };
  let end = 'not_reached_goal';
  try {
    exec(top.next?.block);
  } catch (e) {
    end = e;
  }
  return { end, trace };
}

function judgeArtist(level, top) {
  let at = [...level.artist.start];
  let heading = level.artist.heading;
  let pen = true;
  let colour = '#1d4ed8';
  const trace = [];
  const r2 = (v) => Math.round(v * 100) / 100;
  const exec = (block) => {
    for (const b of chain(block)) {
      switch (b.type) {
        case 'artist_move_forward':
        case 'artist_move_backward': {
          const d = (b.fields?.DISTANCE ?? 0) * (b.type === 'artist_move_backward' ? -1 : 1);
          const r = (heading * Math.PI) / 180;
          const to = [r2(at[0] + d * Math.sin(r)), r2(at[1] - d * Math.cos(r))];
          trace.push(pen ? { op: 'line', block: b.id, from: at, to, colour } : { op: 'jump', block: b.id, to });
          at = to;
          break;
        }
        case 'artist_turn':
          heading = (heading + (b.fields?.DIR === 'turnLeft' ? -1 : 1) * (b.fields?.ANGLE ?? 0) + 360) % 360;
          trace.push({ op: 'turn', block: b.id, heading });
          break;
        case 'artist_pen_up':
          pen = false;
          break;
        case 'artist_pen_down':
          pen = true;
          break;
        case 'artist_colour':
          colour = b.fields?.COLOUR ?? colour;
          break;
        case 'controls_repeat':
          for (let i = 0; i < (b.fields?.TIMES ?? 0); i++) exec(b.inputs?.DO?.block);
          break;
        default:
          break;
      }
    }
  };
  exec(top.next?.block);
  const drawn = trace.filter((s) => s.op === 'line').length;
  return { end: drawn >= level.artist.target.length ? 'goal' : 'wrong_drawing', trace };
}

function judge(level, body) {
  if (level.kind === 'prompt') {
    return { status: 200, doc: { status: 'completed', reason: null, blocks_used: null, ideal_blocks: null, trace: [], saved: false, progress: null } };
  }
  const tops = body.program?.blocks?.blocks ?? [];
  const starts = tops.filter((b) => b.type === 'when_run');
  if (starts.length !== 1) {
    return { status: 422, doc: { error: { code: 'invalid_program', message: 'program: exactly one when_run block' } } };
  }
  const used = countBlocks(starts[0]) - 1;
  const { end, trace } = level.kind === 'maze' ? judgeMaze(level, starts[0]) : judgeArtist(level, starts[0]);
  const solved = end === 'goal';
  const status = solved ? (used <= level.ideal_blocks ? 'perfect' : 'passed') : 'failed';
  return {
    status: 200,
    doc: { status, reason: solved ? null : end, blocks_used: used, ideal_blocks: level.ideal_blocks, trace, saved: false, progress: null },
  };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function createServer({ log = () => {} } = {}) {
  const attempts = [];
  const imports = [];
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const signedIn = url.searchParams.get('signed_in') === '1';
    const send = (status, type, body, extra = {}) => {
      res.writeHead(status, { 'Content-Type': type, 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', ...extra });
      res.end(body);
    };
    const json = (status, doc) => send(status, 'application/json', JSON.stringify(doc));
    log(`${req.method} ${url.pathname}`);
    try {
      let m;
      if (req.method === 'GET' && url.pathname === '/static/style.css') {
        return send(200, TYPES['.css'], readFileSync(siteCss));
      }
      if (req.method === 'GET' && (m = /^\/static\/(dist|blockly-media)\/([A-Za-z0-9._-]+)$/.exec(url.pathname))) {
        const file = m[1] === 'dist' ? path.join(dist, m[2]) : path.join(dist, 'blockly-media', m[2]);
        const type = TYPES[path.extname(file)];
        if (!type || !existsSync(file)) return json(404, { error: { code: 'not_found', message: 'There is nothing here.' } });
        return send(200, type, readFileSync(file), { 'Cache-Control': 'public, max-age=3600' });
      }
      if (req.method === 'GET' && (m = /^\/levels\/([a-z0-9-]+)$/.exec(url.pathname)) && LEVELS[m[1]]) {
        return send(200, 'text/html; charset=utf-8', levelPage(LEVELS[m[1]], { signedIn }));
      }
      if (req.method === 'GET' && url.pathname === '/courses/dev') {
        return send(200, 'text/html; charset=utf-8', coursePage({ signedIn }));
      }
      if (req.method === 'POST' && (m = /^\/api\/v1\/levels\/([a-z0-9-]+)\/attempts$/.exec(url.pathname)) && LEVELS[m[1]]) {
        const body = JSON.parse(await readBody(req));
        attempts.push({ level: m[1], body });
        const { status, doc } = judge(LEVELS[m[1]], body);
        return json(status, doc);
      }
      if (req.method === 'POST' && url.pathname === '/api/v1/me/progress/import') {
        const body = JSON.parse(await readBody(req));
        imports.push(body);
        return json(200, { imported: body.attempts.length, levels: {} });
      }
      return json(404, { error: { code: 'not_found', message: 'There is nothing here.' } });
    } catch (err) {
      log(`error: ${err.stack}`);
      return json(500, { error: { code: 'internal', message: 'dev server error' } });
    }
  });
  return { server, attempts, imports };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? 8099);
  const { server } = createServer({ log: (line) => console.log(line) });
  server.listen(port, '127.0.0.1', () => console.log(`http://127.0.0.1:${port}/levels/dev-maze`));
}
