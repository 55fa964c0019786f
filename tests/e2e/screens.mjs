// What every screen of the test must satisfy: nothing wider than the viewport (no sideways
// scrolling on a phone) and no serious or critical axe-core violation. Each checked screen is
// screenshotted into artifacts/; with E2E_UPDATE_SCREENSHOT=1 the phone-size ones also go to
// docs/screenshots/ for docs/webclient.md.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';

const here = dirname(fileURLToPath(import.meta.url));
const docsScreenshots = join(here, '..', '..', 'docs', 'screenshots');
export const checkedScreens = [];

export async function checkScreen(person, screen) {
  const { page } = person;
  // Let transitions and late renders settle (fonts, a list that just arrived).
  await page.waitForTimeout(150);
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(widths.scroll <= widths.inner,
    `${person.name} · ${screen}: the page is ${widths.scroll} px wide in a ${widths.inner} px viewport`);

  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const severe = results.violations.filter(violation => ['serious', 'critical'].includes(violation.impact));
  assert.deepEqual(severe.map(violation => `${violation.id}: ${violation.help} → ${violation.nodes.map(node => node.target.join(' ')).slice(0, 4).join(' | ')}`), [],
    `${person.name} · ${screen}: axe-core found serious or critical violations`);

  const size = person.isPhone ? 'phone' : 'desktop';
  const file = join(person.artifacts, `${size}-${screen}.png`);
  await page.screenshot({ path: file });
  checkedScreens.push({ person: person.name, screen, size });
  if (person.isPhone && process.env.E2E_UPDATE_SCREENSHOT === '1') {
    mkdirSync(docsScreenshots, { recursive: true });
    copyFileSync(file, join(docsScreenshots, `${screen}.png`));
  }
}
