// The script of every page: forget the anonymous progress on sign-out, offer to carry it into
// a new account, show it on the course map for someone not signed in, and offer the certificate
// form when it is all done. Pages work without it.

import { offerBrowserCertificate } from './certificate.js';
import { clearProgress, hasProgress, importBody, loadProgress } from './progress.js';

const signedIn = () =>
  document.body?.dataset.signedIn === 'true' || document.getElementById('sign-out-form') !== null;

function onSignOut() {
  const form = document.getElementById('sign-out-form');
  // The server also answers with Clear-Site-Data; this covers browsers that ignore it.
  form?.addEventListener('submit', () => clearProgress());
}

async function postImport(body) {
  const res = await fetch('/api/v1/me/progress/import', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
  let doc = null;
  try {
    doc = await res.json();
  } catch {
    // not JSON: the status tells
  }
  return { status: res.status, doc };
}

/**
 * Carries the stored progress into the signed-in account. When the whole batch is refused
 * (422: a level no longer exists, say), each entry is tried alone so the rest still arrives.
 */
async function carry(section, button) {
  const result = section.querySelector('#carry-result');
  const say = (text) => {
    if (result) result.textContent = text;
  };
  button.disabled = true;
  section.setAttribute('aria-busy', 'true');
  try {
    const body = importBody();
    let { status, doc } = await postImport(body);
    if (status === 422) {
      // Something in the batch can never be carried; carry what can be, one by one.
      let trouble = null;
      for (const attempt of body.attempts.length > 1 ? body.attempts : []) {
        const one = await postImport({ attempts: [attempt] });
        if (one.status !== 200 && one.status !== 422) {
          trouble = one;
          break;
        }
      }
      ({ status, doc } = trouble ?? { status: 200, doc: null });
    }
    if (status === 200) {
      clearProgress();
      window.location.reload();
      return;
    }
    say(doc?.error?.message ?? section.dataset.errorText ?? '');
  } catch {
    say(section.dataset.errorText ?? '');
  } finally {
    button.disabled = false;
    section.removeAttribute('aria-busy');
  }
}

function offerCarry() {
  const section = document.getElementById('carry-progress');
  if (!section || !hasProgress()) return;
  section.hidden = false;
  const button = section.querySelector('#carry-button');
  const dismiss = section.querySelector('#carry-dismiss');
  button?.addEventListener('click', () => carry(section, button));
  dismiss?.addEventListener('click', () => {
    clearProgress();
    section.hidden = true;
  });
}

/** The course map: each level's bubble shows what this browser remembers (not signed in). */
function markBubbles() {
  if (signedIn()) return; // the server rendered the account's own statuses
  const bubbles = document.querySelectorAll('a.level-bubble[data-level-id]');
  if (bubbles.length === 0) return;
  const levels = loadProgress().levels;
  for (const bubble of bubbles) {
    const status = levels[bubble.dataset.levelId]?.status;
    if (typeof status !== 'string' || !/^[a-z_]+$/.test(status)) continue;
    for (const cls of [...bubble.classList]) {
      if (cls.startsWith('status-')) bubble.classList.remove(cls);
    }
    bubble.classList.add(`status-${status}`);
    bubble.dataset.status = status;
    const label = bubble.getAttribute(`data-label-${status}`);
    const target = bubble.querySelector('.status-label');
    if (label !== null && target) target.textContent = label;
  }
}

function start() {
  onSignOut();
  offerCarry();
  markBubbles();
  offerBrowserCertificate();
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start);
} else {
  start();
}
