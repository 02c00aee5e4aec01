// Prints the CSS that Blockly would otherwise inject into the page as <style> elements, so that
// it can be served as a file under the site's `style-src 'self'`. Runs at build time only.
// Usage: node tools/blockly-css.cjs <media path> <renderer name> <theme name>

'use strict';

const { JSDOM } = require('jsdom');

const [mediaPath, rendererName, themeName] = process.argv.slice(2);
if (!mediaPath || !rendererName || !themeName) {
  console.error('usage: node tools/blockly-css.cjs <media path> <renderer name> <theme name>');
  process.exit(2);
}

const { window } = new JSDOM('<!doctype html><html><head></head><body></body></html>');
globalThis.window = window;
globalThis.document = window.document;

const Blockly = require('blockly/core');

// The sheet that `Blockly.inject` adds unless told `css: false` (into the container's document).
const container = document.createElement('div');
document.body.append(container);
Blockly.Css.inject(container, true, mediaPath);
const common = document.getElementById('blockly-common-style');
if (!common) throw new Error('Blockly did not produce its common CSS');

// The renderer's sheet: the same selector that `Renderer.createDom` would use at run time.
const theme = Blockly.Themes[themeName] ?? Blockly.registry.getObject(Blockly.registry.Type.THEME, themeName);
if (!theme) throw new Error(`no Blockly theme called ${themeName}`);
const constants = new Blockly.geras.ConstantProvider();
constants.setTheme(theme);
constants.init();
const selector = `.${rendererName}-renderer.${theme.getClassName()}`;
const rendererCss = constants.getCSS_(selector).join('\n');

process.stdout.write(
  `/* Blockly's common styles */\n${common.textContent}\n` +
    `/* Blockly's renderer styles (${selector}) */\n${rendererCss}\n`,
);
