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
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');
const blocklyDir = path.join(here, 'node_modules', 'blockly');

/** Where the server serves Blockly's media (crates/web/src/assets.rs). */
const MEDIA_URL = '/static/blockly-media/';
/** The renderer that level.js registers: geras without its own <style> element. */
const RENDERER = 'kodlek';
const THEME = 'Classic';

const CDN_MEDIA = 'https://blockly-demo.appspot.com/static/media/';
const HIGHLIGHT_WITH_STYLE =
  '"class":"blocklyHighlightedConnectionPath",style:"display: none;",d:b,transform:c},this.svgRoot);';
const HIGHLIGHT_WITHOUT_STYLE =
  '"class":"blocklyHighlightedConnectionPath",d:b,transform:c},this.svgRoot);b.style.display="none";';

/** esbuild plugin: rewrites Blockly's sources on their way into the bundle. */
const blocklySources = {
  name: 'blockly-sources',
  setup(build) {
    build.onLoad({ filter: /[\\/]blockly[\\/]blockly_compressed\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(CDN_MEDIA)) {
        throw new Error(`Blockly no longer names ${CDN_MEDIA}: check its default media path`);
      }
      // Connection highlights are made with a style attribute, which `style-src 'self'` refuses;
      // hide them through the CSSOM instead (Blockly shows them the same way).
      if (!text.includes(HIGHLIGHT_WITH_STYLE)) {
        throw new Error('Blockly no longer makes connection highlights as expected: check for style attributes');
      }
      const contents = text
        .split(CDN_MEDIA)
        .join(MEDIA_URL)
        .replace(HIGHLIGHT_WITH_STYLE, HIGHLIGHT_WITHOUT_STYLE);
      return { contents, loader: 'js' };
    });
    build.onLoad({ filter: /[\\/]blockly[\\/]msg[\\/][a-z-]+\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      // Help links point at other sites; our blocks have none, so the messages need none.
      const kept = text
        .split('\n')
        .filter((line) => !/^Blockly\.Msg\["[A-Z0-9_]*HELPURL"\]/.test(line))
        .join('\n');
      return { contents: kept, loader: 'js' };
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
await bundle('src/level.js', `/*! ${OURS} Includes Blockly (https://github.com/RaspberryPiFoundation/blockly), Apache-2.0, Copyright Google LLC. */`);
await bundle('src/common.js', `/*! ${OURS} */`);
await bundle('src/creations.js', `/*! ${OURS} Includes Blockly (https://github.com/RaspberryPiFoundation/blockly), Apache-2.0, Copyright Google LLC. */`);
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
