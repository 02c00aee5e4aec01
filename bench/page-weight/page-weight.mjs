// The level page's weight: in headless Chromium with the CPU slowed 4x, cold loads of a level
// page, counting the bytes transferred and the time until the editor is usable, with the page's
// own baselines measured in the same run (the same page without compression, and a page
// without the editor). Rewrites its section of docs/BENCHMARKS.md unless told --no-doc.
//
//   cargo build --release -p kodlek
//   cd bench/page-weight && npm ci && node page-weight.mjs [--server PATH] [--loads N] [--level ID] [--no-doc]

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const HEADING = '## Level page weight';
const CPU_SLOWDOWN = 4;
const GOAL_BYTES = 200_000;
const GOAL_MS = 1500;

function options() {
  const args = process.argv.slice(2);
  const value = (name, fallback) => {
    const at = args.indexOf(name);
    return at >= 0 && args[at + 1] ? args[at + 1] : fallback;
  };
  const target = process.env.CARGO_TARGET_DIR ? path.resolve(process.env.CARGO_TARGET_DIR) : path.join(root, 'target');
  return {
    server: value('--server', path.join(target, 'release', 'kodlek')),
    loads: Math.max(1, Number(value('--loads', '3'))),
    level: value('--level', 'maze-1'),
    chromium: process.env.CHROMIUM || '/usr/bin/chromium',
    doc: !args.includes('--no-doc'),
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** The release server on a fresh data directory and a free port, with its defaults. */
async function startServer(binary) {
  if (!existsSync(binary)) throw new Error(`no server binary at ${binary}: cargo build --release -p kodlek, or --server PATH`);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'kodlek-page-weight-'));
  const port = await freePort();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KODLEK_')));
  const child = spawn(binary, ['serve', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const baseURL = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i += 1) {
    try {
      if ((await fetch(`${baseURL}/healthz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (i > 300 || child.exitCode !== null) throw new Error('the server did not become healthy');
    await sleep(100);
  }
  return {
    baseURL,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * One cold load (a new browser context: no cache, no cookies) of `url`, the CPU slowed, the
 * browser taking only `encodings` when given. Returns the bytes transferred (headers and bodies,
 * as the network saw them) until the page is quiet, and the milliseconds from the start of the
 * navigation to `ready` (the editor's `kodlek-editor-ready` mark, or the load event).
 */
async function coldLoad(browser, url, { encodings, ready }) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (encodings) {
    await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': encodings.length ? encodings.join(', ') : 'identity' } });
  }
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  let bytes = 0;
  let requests = 0;
  const pending = new Set();
  let lastActivity = Date.now();
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.request.url.startsWith('data:')) return;
    pending.add(e.requestId);
    lastActivity = Date.now();
  });
  let bundleEncoding = null;
  cdp.on('Network.responseReceived', (e) => {
    if (e.response.url.includes('/static/dist/level.js')) {
      const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
      bundleEncoding = h['content-encoding'] ?? 'none';
    }
  });
  cdp.on('Network.loadingFinished', (e) => {
    if (!pending.delete(e.requestId)) return;
    bytes += e.encodedDataLength;
    requests += 1;
    lastActivity = Date.now();
  });
  cdp.on('Network.loadingFailed', (e) => {
    pending.delete(e.requestId);
    lastActivity = Date.now();
  });
  await page.goto(url, { waitUntil: 'load' });
  const ms = await page.evaluate(async (mark) => {
    if (mark) {
      for (;;) {
        const found = performance.getEntriesByName(mark)[0];
        if (found) return found.startTime;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    return performance.getEntriesByType('navigation')[0].loadEventEnd;
  }, ready);
  // What the page fetches after it is usable (Blockly's sounds) counts too.
  const deadline = Date.now() + 15_000;
  while ((pending.size > 0 || Date.now() - lastActivity < 750) && Date.now() < deadline) await sleep(50);
  await context.close();
  return { bytes, ms, requests, bundleEncoding };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const kb = (b) => `${(b / 1000).toFixed(1)} KB`;
const msText = (ms) => `${Math.round(ms)} ms`;
const pct = (x) => `${(x * 100).toFixed(1)} %`;

function machine() {
  let cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  cpu = cpu.replace(/\s+/g, ' ');
  return `${os.availableParallelism?.() ?? os.cpus().length} cores (\`nproc\`), ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory`;
}

/** Replaces this benchmark's section of the Markdown file (up to the next `## `), or appends it. */
function writeSection(file, section) {
  const text = readFileSync(file, 'utf8');
  const lines = text.split(/(?<=\n)/);
  const start = lines.findIndex((l) => l.trimEnd() === HEADING);
  const body = `${section.trimEnd()}\n`;
  let out;
  if (start < 0) {
    out = `${text.trimEnd()}\n\n${body}`;
  } else {
    const rest = lines.slice(start + 1).findIndex((l) => l.startsWith('## '));
    const end = rest < 0 ? lines.length : start + 1 + rest;
    out = lines.slice(0, start).join('') + body + (end < lines.length ? `\n${lines.slice(end).join('')}` : '');
  }
  writeFileSync(file, out);
}

async function main() {
  const opt = options();
  const loadBefore = os.loadavg()[0].toFixed(1);
  const server = await startServer(opt.server);
  const browser = await chromium.launch({
    executablePath: opt.chromium,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const level = `${server.baseURL}/levels/${encodeURIComponent(opt.level)}?lang=en`;
  const variants = [
    { key: 'level', what: `level page (\`/levels/${opt.level}\`), brotli or gzip as the browser takes`, url: level, ready: 'kodlek-editor-ready' },
    { key: 'gzip', what: 'the same, gzip only', url: level, ready: 'kodlek-editor-ready', encodings: ['gzip'] },
    { key: 'plain', what: 'the same, no compression (baseline)', url: level, ready: 'kodlek-editor-ready', encodings: [] },
    { key: 'course', what: 'the course page, no editor (baseline; time to the load event)', url: `${server.baseURL}/courses/maze-intro?lang=en` },
  ];
  const runs = Object.fromEntries(variants.map((v) => [v.key, []]));
  try {
    // A warm-up load that is not counted (the server's first answers, Chromium's first start).
    await coldLoad(browser, level, { ready: 'kodlek-editor-ready' });
    // Round by round, so that a slow minute of the machine touches every variant alike.
    for (let round = 0; round < opt.loads; round += 1) {
      for (const v of variants) runs[v.key].push(await coldLoad(browser, v.url, v));
    }
  } finally {
    await browser.close();
    await server.stop();
  }

  const fig = Object.fromEntries(
    variants.map((v) => [v.key, {
      bytes: median(runs[v.key].map((r) => r.bytes)),
      ms: median(runs[v.key].map((r) => r.ms)),
      requests: median(runs[v.key].map((r) => r.requests)),
    }]),
  );
  const { level: l, gzip: g, plain: p, course: c } = fig;
  const bytesMet = l.bytes <= GOAL_BYTES;
  const msMet = l.ms <= GOAL_MS;
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const rows = variants
    .map((v) => `| ${v.what} | ${kb(fig[v.key].bytes)} | ${fig[v.key].requests} | ${msText(fig[v.key].ms)} | ${runs[v.key].map((r) => msText(r.ms)).join(', ')} |`)
    .join('\n');
  const section = `${HEADING}

\`bench/page-weight/page-weight.mjs\` (Node, \`playwright-core\`) starts the release server
(SQLite, a fresh data directory) and loads pages in headless Chromium at 1366x768 with the CPU
slowed ${CPU_SLOWDOWN}x (\`Emulation.setCPUThrottlingRate\`), each load in a new browser context (a cold
cache). It counts the bytes the network transferred (headers and bodies, \`encodedDataLength\`)
until the page has been quiet for 0.75 s, and the time from the start of the navigation to the
editor's \`kodlek-editor-ready\` mark (set by \`level.js\` once the workspace, the blocks to pick
from and Run are ready). The baselines are loaded in the same rounds: the same page with gzip
only and with no compression (an \`Accept-Encoding\` header set through CDP), and the course
page, which has no editor. Figures are medians of ${opt.loads} loads; KB are 1000 bytes.

\`\`\`sh
export CARGO_TARGET_DIR=/var/tmp/kodlek-target
cargo build --release -p kodlek
cd bench/page-weight && npm ci && node page-weight.mjs
\`\`\`

Options: \`--server PATH\`, \`--loads N\`, \`--level ID\`, \`--no-doc\` (print only); \`CHROMIUM\`
names the browser (default \`/usr/bin/chromium\`). A run rewrites this section.

Last run:

- date: ${date} UTC
- machine: ${machine()}
- server: the \`${path.basename(path.dirname(opt.server))}\` build of \`kodlek\` (the bytes sent are the same in every build)
- the machine's load average at the start and at the end: ${loadBefore} and ${os.loadavg()[0].toFixed(1)}

| page | transferred | requests | until usable | each load |
|---|---|---|---|---|
${rows}

| figure | value | goal | met |
|---|---|---|---|
| level page transferred | ${kb(l.bytes)} | at most ${kb(GOAL_BYTES)} | ${bytesMet ? 'yes' : '**no**'} |
| level page usable after | ${msText(l.ms)} | at most ${msText(GOAL_MS)} | ${msMet ? 'yes' : '**no**'} |
| transferred, as a share of the uncompressed page (baseline) | ${pct(l.bytes / p.bytes)} | | |
| transferred, as a share of the gzip-only page | ${pct(l.bytes / g.bytes)} | | |
| time until usable, as a multiple of the course page's load (baseline) | ${(l.ms / c.ms).toFixed(2)}x | | |
`;
  process.stdout.write(`${section}\n`);
  if (opt.doc) writeSection(path.join(root, 'docs', 'BENCHMARKS.md'), section);
  if (!bytesMet || !msMet) process.exitCode = 1;
}

await main();
