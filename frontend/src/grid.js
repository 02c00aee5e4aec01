// The progress grid of a section's dashboard: one tab stop for the whole grid, the arrow keys
// move from square to square (the number of tries shows on the focused one), and times in the
// teacher's own time zone. The page works without it: the squares then show their details on
// hover, and each student's page has everything.

const TIME = /(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d)/;

const pad = (n) => String(n).padStart(2, '0');

/** "2026-12-01 10:05" (UTC) in the browser's time zone, same shape. */
export function localTime(text) {
  return text.replace(TIME, (all, y, mo, d, h, mi) => {
    const t = new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi));
    if (Number.isNaN(t.getTime())) return all;
    return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}`;
  });
}

function localiseTimes(root) {
  for (const el of root.querySelectorAll('[data-t]')) {
    const t = el.getAttribute('data-t');
    if (TIME.test(t)) el.setAttribute('data-t', localTime(t));
  }
  for (const el of document.querySelectorAll('time.utc')) {
    el.textContent = localTime(el.textContent);
  }
  const note = document.getElementById('tz-note');
  if (note?.dataset.local) note.textContent = note.dataset.local;
}

/** What a screen reader says for a square: its status, then the tries and the time. */
function describe(table, cell) {
  if (cell.hasAttribute('aria-label') || cell.tagName !== 'TD') return;
  const kind = cell.className || 'none';
  const label = table.getAttribute(`data-l-${kind}`) ?? '';
  const details = cell.getAttribute('data-t');
  cell.setAttribute('aria-label', details ? `${label}, ${details}` : label);
}

/** The keyboard position in the grid, kept when the grid is refreshed. */
let at = null;

function setUpGrid(table, refocus = false) {
  const rows = table.rows;
  if (rows.length < 2) return;
  table.setAttribute('role', 'grid');
  table.setAttribute('aria-readonly', 'true');
  for (const a of table.querySelectorAll('a')) a.tabIndex = -1;
  const scroller = table.closest('.grid-scroll');
  if (scroller) scroller.removeAttribute('tabindex');

  const cellAt = ({ r, c }) => rows[r]?.cells[c];
  if (!at || !cellAt(at)) at = { r: 1, c: rows[1].cells.length > 1 ? 1 : 0 };
  const first = cellAt(at);
  first.tabIndex = 0;
  if (refocus) {
    describe(table, first);
    first.focus({ preventScroll: true });
  }

  const moveTo = (next, focus = true) => {
    const r = Math.max(0, Math.min(rows.length - 1, next.r));
    const c = Math.max(0, Math.min(rows[r].cells.length - 1, next.c));
    const from = cellAt(at);
    const to = cellAt({ r, c });
    if (!to) return;
    if (from && from !== to) from.tabIndex = -1;
    to.tabIndex = 0;
    at = { r, c };
    describe(table, to);
    if (focus) to.focus();
  };

  table.addEventListener('keydown', (e) => {
    const { r, c } = at;
    const last = rows[r].cells.length - 1;
    const moves = {
      ArrowRight: { r, c: c + 1 },
      ArrowLeft: { r, c: c - 1 },
      ArrowDown: { r: r + 1, c },
      ArrowUp: { r: r - 1, c },
      PageDown: { r: r + 10, c },
      PageUp: { r: r - 10, c },
      Home: e.ctrlKey ? { r: 0, c: 0 } : { r, c: 0 },
      End: e.ctrlKey ? { r: rows.length - 1, c: last } : { r, c: last },
    };
    if (moves[e.key]) {
      e.preventDefault();
      moveTo(moves[e.key]);
    } else if (e.key === 'Enter' || e.key === ' ') {
      const link = cellAt(at)?.querySelector('a');
      if (link) {
        e.preventDefault();
        link.click();
      }
    }
  });

  // A click puts the keyboard position where the mouse was.
  table.addEventListener('click', (e) => {
    const cell = e.target.closest('td, th');
    if (!cell || !table.contains(cell)) return;
    const tr = cell.parentElement;
    moveTo({ r: tr.rowIndex, c: cell.cellIndex }, !e.target.closest('a'));
  });
  table.addEventListener('focusin', (e) => {
    const cell = e.target.closest('td, th');
    if (cell) describe(table, cell);
  });
}

/** How often an open dashboard asks for the class's progress while the page is in view. */
const REFRESH_MS = 10_000;

/** Keeps the grid and the help list current while the class plays, without a reload. */
function startRefreshing(scroller) {
  const url = scroller.dataset.live;
  if (!url) return;
  let last = null;
  const refresh = async () => {
    if (document.visibilityState !== 'visible') return;
    let answer;
    try {
      const r = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
      if (!r.ok) return;
      answer = await r.json();
    } catch {
      return; // Offline for a moment: the next round tries again.
    }
    const help = document.getElementById('help-live');
    if (help && typeof answer.help === 'string') help.innerHTML = answer.help;
    if (typeof answer.grid !== 'string' || answer.grid === last) return;
    const old = document.getElementById('progress-grid');
    const hadFocus = old?.contains(document.activeElement) ?? false;
    const { scrollLeft, scrollTop } = scroller;
    scroller.innerHTML = answer.grid;
    last = answer.grid;
    scroller.scrollLeft = scrollLeft;
    scroller.scrollTop = scrollTop;
    const table = document.getElementById('progress-grid');
    if (table) {
      localiseTimes(table);
      setUpGrid(table, hadFocus);
    }
  };
  setInterval(refresh, REFRESH_MS);
  document.addEventListener('visibilitychange', refresh);
}

function start() {
  const table = document.getElementById('progress-grid');
  localiseTimes(table ?? document.createElement('div'));
  if (table) setUpGrid(table);
  const scroller = document.getElementById('grid-scroll');
  if (scroller) startRefreshing(scroller);
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  start();
}
