// The certificate page for someone who played without an account: when this browser remembers
// every level of the course as done, it offers the form that asks for a name and sends the
// remembered programs with it. The server runs them all again and decides; what this browser
// remembers of verdicts only decides whether the form is worth showing.

import { keptAttempt, loadProgress, statusRank } from './progress.js';

/** The body the server re-judges: each level's best program (or answer), as carrying does. */
function workOf(ids, levels) {
  return { attempts: ids.map((id) => keptAttempt(id, levels[id])).filter(Boolean) };
}

export function offerBrowserCertificate() {
  const form = document.getElementById('certificate-form');
  const section = document.getElementById('certificate-browser');
  if (!form || !section) return;
  const ids = (form.dataset.levels ?? '').split(' ').filter(Boolean);
  const levels = loadProgress().levels;
  const done = (id) => statusRank(levels[id]?.status) >= statusRank('completed');
  if (ids.length === 0 || !ids.every(done)) return;
  section.hidden = false;
  form.addEventListener('submit', () => {
    form.elements.work.value = JSON.stringify(workOf(ids, loadProgress().levels));
  });
}
