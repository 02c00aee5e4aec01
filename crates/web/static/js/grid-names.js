// The progress grid's squares name their student and their level: in a wide grid both
// headers are far from the square pointed at. The server leaves the two names out of the
// squares themselves (a class's grid must stay small to send every few seconds); this adds
// them to a square when it is pointed at or focused, to its tooltip and to what a screen
// reader says. It works on the grid as it is refreshed, too.

function nameSquare(cell) {
  const table = cell.closest('table');
  const row = cell.parentElement;
  if (!table || row?.parentElement?.tagName !== 'TBODY' || cell.dataset.named) return;
  const student = row.cells[0]?.querySelector('a')?.textContent.trim() ?? '';
  const level = table.tHead?.rows[0]?.cells[cell.cellIndex]?.getAttribute('data-t') ?? '';
  const details = cell.getAttribute('data-t');
  const text = details ? `${student} · ${level}: ${details}` : `${student} · ${level}`;
  cell.setAttribute('data-t', text);
  const status = table.getAttribute(`data-l-${cell.className || 'none'}`) ?? '';
  cell.setAttribute('aria-label', `${status}, ${text}`);
  cell.dataset.named = 'yes';
}

const scroller = document.getElementById('grid-scroll');
if (scroller) {
  for (const kind of ['mouseover', 'focusin']) {
    scroller.addEventListener(kind, (e) => {
      const cell = e.target.closest?.('td');
      if (cell) nameSquare(cell);
    });
  }
}
