// The artist stage: a canvas with the target drawing shown faintly, the lines of the server's
// trace drawn one by one, and the turtle. Coordinates are the level's: x right, y down,
// heading in degrees clockwise from north.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const TURTLE_COLOUR = '#1b1b1f';

export class ArtistStage {
  /**
   * @param {HTMLElement} container  #stage
   * @param {{width, height, start: number[], heading: number, target: Array}} artist
   * @param {string} label  what the picture shows, for screen readers
   */
  constructor(container, artist, label) {
    this.spec = artist;
    this.width = artist.width || 400;
    this.height = artist.height || 400;
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'artist';
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', label);
    this.canvas.textContent = label;
    const ratio = Math.min(3, Math.max(1, window.devicePixelRatio || 1));
    this.canvas.width = Math.round(this.width * ratio);
    this.canvas.height = Math.round(this.height * ratio);
    this.ctx = this.canvas.getContext('2d');
    this.ctx.scale(ratio, ratio);
    container.replaceChildren(this.canvas);
    this.reset();
  }

  reset() {
    this.at = [...(this.spec.start ?? [this.width / 2, this.height / 2])];
    this.heading = this.spec.heading ?? 0;
    this.lines = [];
    this.partial = null;
    this.draw();
  }

  draw() {
    const c = this.ctx;
    c.clearRect(0, 0, this.width, this.height);
    c.fillStyle = '#ffffff';
    c.fillRect(0, 0, this.width, this.height);
    c.lineCap = 'round';
    c.lineJoin = 'round';
    // The target: wide, pale and dashed, so that it reads as "draw over me", not as ink.
    c.save();
    c.globalAlpha = 0.3;
    c.lineWidth = 9;
    c.setLineDash([2, 12]);
    for (const s of this.spec.target ?? []) this.segment(s.from, s.to, s.colour || '#6b7280');
    c.restore();
    c.lineWidth = 4;
    for (const s of this.lines) this.segment(s.from, s.to, s.colour);
    if (this.partial) this.segment(this.partial.from, this.partial.to, this.partial.colour);
    this.turtle();
  }

  segment(from, to, colour) {
    const c = this.ctx;
    c.strokeStyle = colour;
    c.beginPath();
    c.moveTo(from[0], from[1]);
    c.lineTo(to[0], to[1]);
    c.stroke();
  }

  turtle() {
    const c = this.ctx;
    c.save();
    c.translate(this.at[0], this.at[1]);
    c.rotate((this.heading * Math.PI) / 180);
    c.setLineDash([]);
    c.lineWidth = 2;
    c.fillStyle = '#fde68a';
    c.strokeStyle = TURTLE_COLOUR;
    c.beginPath();
    c.moveTo(0, -13);
    c.lineTo(9, 9);
    c.lineTo(0, 4);
    c.lineTo(-9, 9);
    c.closePath();
    c.fill();
    c.stroke();
    c.restore();
  }

  /** Plays one trace step, taking about `ms`. */
  async step(step, ms) {
    switch (step.op) {
      case 'line': {
        const frames = Math.max(1, Math.min(10, Math.floor(ms / 25)));
        const [fx, fy] = step.from;
        const [tx, ty] = step.to;
        for (let i = 1; i <= frames; i++) {
          const k = i / frames;
          const to = [fx + (tx - fx) * k, fy + (ty - fy) * k];
          this.partial = { from: step.from, to, colour: step.colour };
          this.at = to;
          this.draw();
          await sleep(ms / frames);
        }
        this.partial = null;
        this.lines.push({ from: step.from, to: step.to, colour: step.colour });
        this.at = [...step.to];
        this.draw();
        break;
      }
      case 'jump':
        this.at = [...step.to];
        this.draw();
        await sleep(ms);
        break;
      case 'turn':
        if (typeof step.heading === 'number') this.heading = step.heading;
        this.draw();
        await sleep(ms);
        break;
      default:
        break;
    }
  }
}
