// How the level page plays the server's trace: at the learner's chosen speed (slow, normal,
// fast; remembered in this browser like the sound switch), or one step per press of "Step".
// It only paces the showing of a trace the server returned; it never judges anything.

const SPEED_KEY = 'kodlek.speed';

/** Per speed: the time of one step, and the longest a whole run may take before it hurries. */
export const SPEEDS = {
  slow: { stepMs: 700, maxPlayMs: 45_000 },
  normal: { stepMs: 250, maxPlayMs: 15_000 },
  fast: { stepMs: 70, maxPlayMs: 4_000 },
};

export function loadSpeed() {
  try {
    const saved = localStorage.getItem(SPEED_KEY);
    return saved in SPEEDS ? saved : 'normal';
  } catch {
    return 'normal';
  }
}

function saveSpeed(speed) {
  try {
    localStorage.setItem(SPEED_KEY, speed);
  } catch {
    // a browser that keeps nothing still plays at this speed on this page
  }
}

/** The time of one step of a trace of `length` steps at `speed`. */
export function stepMs(speed, length) {
  const s = SPEEDS[speed] ?? SPEEDS.normal;
  return Math.max(8, Math.min(s.stepMs, s.maxPlayMs / Math.max(1, length)));
}

export class Playback {
  /** @param {HTMLSelectElement|null} select  the speed control (#speed-select) */
  constructor(select) {
    this.select = select;
    this.speed = loadSpeed();
    this.stepwise = false;
    this.pending = null;
    /** Presses of "Step" that came while a step was still moving, each to be taken in turn. */
    this.presses = 0;
    if (select) {
      select.value = this.speed;
      // The speed applies from the next step on, even in the middle of a run.
      select.addEventListener('change', () => {
        if (!(select.value in SPEEDS)) return;
        this.speed = select.value;
        saveSpeed(this.speed);
      });
    }
  }

  msFor(length) {
    return stepMs(this.speed, length);
  }

  /** A new run begins: step by step or straight through. */
  begin(stepwise) {
    this.cancel();
    this.stepwise = stepwise;
  }

  /** True while a stepped run waits for the next press. */
  get waiting() {
    return this.pending !== null;
  }

  /** Before each step after the first: waits for a press when stepping, else goes on at once. */
  gate() {
    if (!this.stepwise) return Promise.resolve();
    if (this.presses > 0) {
      this.presses -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.pending = resolve;
    });
  }

  release() {
    const resolve = this.pending;
    this.pending = null;
    resolve?.();
  }

  /** "Step": one more step, now or as soon as the one moving has ended. */
  advance() {
    if (this.pending) this.release();
    else this.presses += 1;
  }

  /** "Run" during a stepped run: the rest plays straight through. */
  finish() {
    this.stepwise = false;
    this.presses = 0;
    this.release();
  }

  /** Stepping from now on: a press of "Step" in the middle of a run pauses it at the next step. */
  pause() {
    this.stepwise = true;
  }

  /** The run was reset or replaced: whatever waits goes on, and finds itself out of date. */
  cancel() {
    this.stepwise = false;
    this.presses = 0;
    this.release();
  }
}
