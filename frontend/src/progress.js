// What an anonymous learner's browser remembers of their play: the best verdict and the last
// program (or answer) of each level. The verdicts come from the server; this only keeps them,
// so that signing up later can carry them over (POST /api/v1/me/progress/import).

export const PROGRESS_KEY = 'kodlek.progress.v1';

/** The order of "best so far" (API.md): failed < completed < passed < perfect. */
const RANK = { failed: 0, completed: 1, passed: 2, perfect: 3 };

export const IMPORT_LIMIT = 500;

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage switched off: nothing is remembered, play still works
  }
}

/** `{levels: {level_id: {status, program?, best_program?, answer?, at}}}`, never throws. */
export function loadProgress() {
  try {
    const doc = JSON.parse(storage()?.getItem(PROGRESS_KEY) ?? 'null');
    if (doc && typeof doc === 'object' && doc.levels && typeof doc.levels === 'object') {
      return doc;
    }
  } catch {
    // unreadable: start afresh
  }
  return { levels: {} };
}

function store(doc) {
  try {
    storage()?.setItem(PROGRESS_KEY, JSON.stringify(doc));
  } catch {
    // full or refused: the verdict was shown, only the memory of it is lost
  }
}

export function hasProgress() {
  return Object.keys(loadProgress().levels).length > 0;
}

export function clearProgress() {
  try {
    storage()?.removeItem(PROGRESS_KEY);
  } catch {
    // nothing to clear
  }
}

/** The entry of one level, or null. */
export function levelProgress(levelId) {
  const entry = loadProgress().levels[levelId];
  return entry && typeof entry === 'object' ? entry : null;
}

/**
 * Remembers a verdict. `status` is kept only if it beats the best so far; `program` (or
 * `answer`) is always the latest, and `best_program` the one that earned the best status, so
 * that carrying the progress over re-runs the program that earned it.
 */
export function rememberVerdict(levelId, status, { program, answer } = {}) {
  if (!(status in RANK)) return;
  const doc = loadProgress();
  const old = doc.levels[levelId] && typeof doc.levels[levelId] === 'object' ? doc.levels[levelId] : null;
  const improved = !old || !(old.status in RANK) || RANK[status] >= RANK[old.status];
  const entry = { ...(old ?? {}), at: new Date().toISOString() };
  if (improved) entry.status = status;
  if (program !== undefined) {
    entry.program = program;
    if (improved) entry.best_program = program;
  }
  if (answer !== undefined) {
    entry.answer = answer;
    if (improved) entry.best_answer = answer;
  }
  doc.levels[levelId] = entry;
  store(doc);
}

/** The body of POST /api/v1/me/progress/import: the best entries first, at most 500. */
export function importBody() {
  const levels = loadProgress().levels;
  const attempts = [];
  const ids = Object.keys(levels).sort(
    (a, b) => (RANK[levels[b]?.status] ?? -1) - (RANK[levels[a]?.status] ?? -1),
  );
  for (const id of ids) {
    const attempt = keptAttempt(id, levels[id]);
    if (attempt) attempts.push(attempt);
    if (attempts.length >= IMPORT_LIMIT) break;
  }
  return { attempts };
}

/**
 * What this browser kept of one level, as the server takes it to judge again: the best program
 * (or written answer) with its level, or null when nothing usable is kept.
 */
export function keptAttempt(id, entry) {
  if (!entry || typeof entry !== 'object') return null;
  const program = entry.best_program ?? entry.program;
  const answer = entry.best_answer ?? entry.answer;
  if (program && typeof program === 'object') return { level_id: id, program };
  if (typeof answer === 'string') return { level_id: id, answer };
  return null;
}

export function statusRank(status) {
  return RANK[status] ?? -1;
}
