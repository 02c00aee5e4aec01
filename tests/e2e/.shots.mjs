import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { startServer, chromiumOptions } from './server.mjs';

function base32(s) {
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of s.replace(/=+$/, '')) bits += a.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}
function totp(uri, now = Date.now()) {
  const url = new URL(uri);
  const secret = base32(url.searchParams.get('secret'));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(now / 1000 / 30)));
  const mac = createHmac('sha1', secret).update(counter).digest();
  const o = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}
const server = await startServer();
const bin = process.env.KODLEK_BIN;
const printed = execFileSync(bin, ['staff', 'add', '--data-dir', server.dataDir, '--email', 'ada@kodlek.example', '--display-name', 'Ada', '--roles', 'support,admin'], { encoding: 'utf8' });
const password = /^password: (.+)$/m.exec(printed)[1];
const uri = /(otpauth:\/\/totp\/\S+)/.exec(printed)[1];
const browser = await chromium.launch(chromiumOptions());
for (const [vw, vh, tag] of [[1366, 768, 'desk'], [390, 844, 'phone']]) {
  const ctx = await browser.newContext({ baseURL: server.baseURL, viewport: { width: vw, height: vh } });
  const page = await ctx.newPage();
  await page.goto('/support?lang=en');
  await page.fill('[name=message]', 'The robot walks through walls on level 3.');
  await page.selectOption('[name=topic]', 'bug').catch(() => {});
  await page.screenshot({ path: `/tmp/shots/support-${tag}-en.png`, fullPage: true });
  await page.goto('/support?lang=sv');
  await page.screenshot({ path: `/tmp/shots/support-${tag}-sv.png`, fullPage: true });
  await page.goto('/staff/sign-in?lang=en');
  await page.fill('[name=login]', 'ada@kodlek.example');
  await page.fill('[name=password]', password);
  await page.fill('[name=totp]', totp(uri, Date.now() + (tag === 'phone' ? 30_000 : 0)));
  await Promise.all([page.waitForEvent('load'), page.click('form button[type=submit]')]);
  for (const lang of ['en', 'sv']) {
    for (const p of ['/staff', '/staff/support', '/staff/notices']) {
      await page.goto(`${p}?lang=${lang}`);
      await page.screenshot({ path: `/tmp/shots/${p.replaceAll('/', '_')}-${tag}-${lang}.png`, fullPage: true });
    }
  }
  await ctx.close();
}
await browser.close();
await server.stop();
