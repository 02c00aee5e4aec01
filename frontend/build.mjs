// Builds the front end into dist/: the editor bundle (level.js, blockly.css), the script of every
// page (common.js) and Blockly's media. The web crate's build script runs this and embeds dist/.
//
// Nothing here may make a page talk to another site: Blockly's default media path (a CDN) is
// rewritten to ours, the help links of Blockly's message tables are dropped, and the CSS that
// Blockly would inject as <style> elements (refused by `style-src 'self'`) becomes blockly.css.

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');
const blocklyDir = path.join(here, 'node_modules', 'blockly');

/** Where the server serves Blockly's media (crates/web/src/assets.rs). */
const MEDIA_URL = '/static/blockly-media/';
/** The renderer that level.js registers: geras without its own <style> element. */
const RENDERER = 'kodlek';
const THEME = 'Classic';

const CDN_MEDIA = 'https://static.blockly.com/media/';
// The text bubble (a block's warning) sets its direction with a style attribute, which
// `style-src 'self'` refuses. Our editor is always left to right, the default direction.
const BUBBLE_TEXT_WITH_STYLE =
  ',transform:`translate(0,${Ln.BORDER_WIDTH})`,style:`direction: ${this.workspace.RTL?"rtl":"ltr"}`}';
const BUBBLE_TEXT_WITHOUT_STYLE = ',transform:`translate(0,${Ln.BORDER_WIDTH})`}';
// Every workspace (the program, the flyout, the trashcan's flyout) makes an AudioContext as it
// is built, even with sounds off: each costs tens of milliseconds of the page's start. Made on
// first use instead, it is never made on a page without Blockly's sounds.
const AUDIO_AT_ONCE = 'this.muted=!1;window.AudioContext&&(this.context=new AudioContext)}';
const AUDIO_ON_FIRST_USE =
  'this.muted=!1;Object.defineProperty(this,"context",{configurable:!0,get(){var c=window.AudioContext?new AudioContext:void 0;' +
  'Object.defineProperty(this,"context",{value:c,writable:!0,configurable:!0});return c},set(c){' +
  'Object.defineProperty(this,"context",{value:c,writable:!0,configurable:!0})}})}';
// A field asks for its element while its block is still being built, and Blockly answers "not
// yet" by throwing and catching an Error, several times per block. With a debugger or a test
// browser attached, every throw makes V8 collect the whole bundle's source positions (about 60 ms
// of the editor's start, four times that on a slow laptop). The base field throws exactly when
// it has no field group yet (no field of Blockly's or ours overrides that), so the same question
// is asked without the throw.
const FIELD_ELEMENT_THROWS =
  'getFocusableElement(){if(!this.fieldGroup_)throw Error("This field currently has no representative DOM element.");return this.fieldGroup_}';
const ARIA_CONTEXT_WITH_THROW = /recomputeAriaContext\(\)\{try\{var (\w+)=\s*this\.getFocusableElement\(\)\}catch\(\w+\)\{return!1\}/;
/** Any other SVG or HTML element made with a style attribute would break the CSP. */
const STYLE_ATTRIBUTE = /[{,]style:[`"']|setAttribute\("style"|\.cssText=/;

/** Every word of Blockly's core: a message it reads is named there, in full. */
let coreWords = null;
function namedByCore(key) {
  if (!coreWords) {
    const core = readFileSync(path.join(blocklyDir, 'blockly_compressed.js'), 'utf8');
    coreWords = new Set(core.match(/[A-Z][A-Z0-9_]+/g));
  }
  return coreWords.has(key);
}

/**
 * A message table with only what Blockly's core says: most messages belong to Blockly's own
 * blocks, which we do not use (our blocks bring their labels), so they would only weigh on the
 * page. The help links go too, since they point at other sites. A message that a kept one refers
 * to (`= Blockly.Msg["X"]` or `%{BKY_X}`) is kept with it.
 */
function keepUsedMessages(text, file) {
  const line = /^Blockly\.Msg\["([A-Z0-9_]+)"\] = (.*);(\s*\/\/.*)?$/;
  const values = new Map();
  for (const l of text.split('\n')) {
    const m = line.exec(l);
    if (m) values.set(m[1], m[2]);
  }
  if (values.size < 300) throw new Error(`${file} no longer looks like a Blockly message table`);
  const kept = new Set();
  const keep = (key) => {
    if (kept.has(key) || !values.has(key) || key.endsWith('HELPURL')) return;
    kept.add(key);
    for (const [, ref] of values.get(key).matchAll(/Blockly\.Msg\["([A-Z0-9_]+)"\]|%\{BKY_([A-Z0-9_]+)\}/g)) keep(ref);
  };
  for (const key of values.keys()) if (namedByCore(key)) keep(key);
  if (kept.size < 100) throw new Error(`${file}: Blockly's core names only ${kept.size} messages; check keepUsedMessages`);
  return text
    .split('\n')
    .filter((l) => {
      const m = line.exec(l);
      return !m || kept.has(m[1]);
    })
    .join('\n');
}

/** esbuild plugin: rewrites Blockly's sources on their way into the bundle. */
const blocklySources = {
  name: 'blockly-sources',
  setup(build) {
    build.onLoad({ filter: /[\\/]blockly[\\/]blockly_compressed\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(CDN_MEDIA)) {
        throw new Error(`Blockly no longer names ${CDN_MEDIA}: check its default media path`);
      }
      if (!text.includes(BUBBLE_TEXT_WITH_STYLE)) {
        throw new Error('Blockly no longer makes its text bubble as expected: check for style attributes');
      }
      if (!text.includes(AUDIO_AT_ONCE)) {
        throw new Error('Blockly no longer makes its AudioContext as expected: check WorkspaceAudio');
      }
      if (!text.includes(FIELD_ELEMENT_THROWS) || !ARIA_CONTEXT_WITH_THROW.test(text)) {
        throw new Error('Blockly no longer asks for a field\'s element as expected: check Field.recomputeAriaContext');
      }
      const contents = text
        .split(CDN_MEDIA)
        .join(MEDIA_URL)
        .replace(BUBBLE_TEXT_WITH_STYLE, BUBBLE_TEXT_WITHOUT_STYLE)
        .replace(AUDIO_AT_ONCE, AUDIO_ON_FIRST_USE)
        .replace(ARIA_CONTEXT_WITH_THROW, (_, el) => `recomputeAriaContext(){if(!this.fieldGroup_)return!1;var ${el}=this.getFocusableElement();`);
      const styled = contents.match(STYLE_ATTRIBUTE);
      if (styled) {
        const at = styled.index;
        throw new Error(`Blockly sets a style attribute, which the CSP refuses: ${contents.slice(at - 80, at + 80)}`);
      }
      return { contents, loader: 'js' };
    });
    build.onLoad({ filter: /[\\/]blockly[\\/]msg[\\/][a-z-]+\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      return { contents: keepUsedMessages(text, args.path), loader: 'js' };
    });
  },
};

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const bundle = (entry, banner) =>
  esbuild.build({
    absWorkingDir: here,
    entryPoints: [entry],
    outdir: dist,
    bundle: true,
    format: 'iife',
    minify: true,
    target: 'es2020',
    platform: 'browser',
    legalComments: 'eof',
    logLevel: 'warning',
    banner: { js: banner },
    plugins: [blocklySources],
  });

const OURS = 'Kodlek, AGPL-3.0-or-later.';
// The editor's bundles ask Chromium to compile every function while the file downloads, on a
// background thread (an explicit compile hint, which must be the file's first line), rather than
// each on the page's main thread when first called: most of Blockly runs as the editor starts.
const COMPILE_ALL = '//# allFunctionsCalledOnLoad\n';
await bundle('src/level.js', `${COMPILE_ALL}/*! ${OURS} Includes Blockly (https://github.com/RaspberryPiFoundation/blockly), Apache-2.0, Copyright Google LLC. */`);
await bundle('src/common.js', `/*! ${OURS} */`);
await bundle('src/creations.js', `${COMPILE_ALL}/*! ${OURS} Includes Blockly (https://github.com/RaspberryPiFoundation/blockly), Apache-2.0, Copyright Google LLC. */`);
await bundle('src/grid.js', `/*! ${OURS} */`);

// Blockly's CSS (common and renderer) followed by ours (src/level.css): the editor page's sheet.
const blocklyCss = execFileSync(
  process.execPath,
  [path.join(here, 'tools', 'blockly-css.cjs'), MEDIA_URL, RENDERER, THEME],
  { cwd: here, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
);
const ownCss = readFileSync(path.join(here, 'src', 'level.css'), 'utf8');
const css = await esbuild.transform(`${blocklyCss}\n${ownCss}`, {
  loader: 'css',
  minify: true,
  target: ['chrome100', 'firefox100', 'safari15'],
});
writeFileSync(path.join(dist, 'blockly.css'), css.code);

cpSync(path.join(blocklyDir, 'media'), path.join(dist, 'blockly-media'), { recursive: true });

for (const file of ['level.js', 'common.js', 'creations.js', 'blockly.css']) {
  const text = readFileSync(path.join(dist, file), 'utf8');
  for (const host of ['blockly-demo', 'unpkg', 'jsdelivr', 'googleapis']) {
    if (text.includes(host)) throw new Error(`dist/${file} names ${host}`);
  }
}

// Each bundle also compressed, once, here: the server sends the brotli or gzip copy to a browser
// that takes it, and spends no time compressing per request.
for (const file of ['level.js', 'common.js', 'creations.js', 'grid.js', 'blockly.css']) {
  const bytes = readFileSync(path.join(dist, file));
  const br = zlib.brotliCompressSync(bytes, {
    params: {
      [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
      [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
  writeFileSync(path.join(dist, `${file}.br`), br);
  writeFileSync(path.join(dist, `${file}.gz`), zlib.gzipSync(bytes, { level: zlib.constants.Z_BEST_COMPRESSION }));
}
