// Copies the official SignalR browser client from node_modules into the web client's wwwroot/lib,
// with a licence header, so a fresh clone serves a working page without node or npm.
//   node vendor-signalr.mjs          write Distance.Realtime/wwwroot/lib/signalr.min.js
//   node vendor-signalr.mjs --check  exit 1 when the committed copy differs from the locked package
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = join(here, 'node_modules', '@microsoft', 'signalr');
const target = join(here, '..', '..', 'Distance.Realtime', 'wwwroot', 'lib', 'signalr.min.js');

const { version, license } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const source = readFileSync(join(pkgDir, 'dist', 'browser', 'signalr.min.js'), 'utf8')
  // The source map is not copied, so the reference to it would only produce a 404.
  .replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
const header =
  `/*! @microsoft/signalr ${version} | Copyright (c) .NET Foundation and Contributors | ` +
  `${license} License | copied from the npm package by tests/e2e/vendor-signalr.mjs */\n`;
const expected = header + source;

if (process.argv.includes('--check')) {
  let actual = '';
  try { actual = readFileSync(target, 'utf8'); } catch { /* missing counts as different */ }
  if (actual !== expected) {
    console.error(`${target} is not @microsoft/signalr ${version}: run \`npm run vendor-signalr\` in tests/e2e`);
    process.exit(1);
  }
  console.log(`vendored @microsoft/signalr ${version} is up to date`);
} else {
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, expected);
  console.log(`wrote ${target} (@microsoft/signalr ${version})`);
}
