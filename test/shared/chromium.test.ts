/**
 * The browser-test helper itself: Debian's Chromium starts headless offline, renders a page and
 * reports the page's console errors (so a browser test that checks "no console errors" can fail).
 */
import * as fs from 'node:fs';
import { launchChromium, type TestBrowser } from '../helpers/chromium';

jest.setTimeout(60_000);

let chromium: TestBrowser;

beforeAll(async () => {
  chromium = await launchChromium();
});

afterAll(async () => {
  await chromium?.close();
});

test('renders a page, evaluates script and collects console errors', async () => {
  const { page, errors } = await chromium.newPage();
  await page.setContent('<h1 id="t">Sparkify</h1><script>document.getElementById("t").textContent += " 42"; console.error("boom");</script>');
  expect(await page.$eval('#t', (el) => el.textContent)).toBe('Sparkify 42');
  expect(errors).toEqual(['boom']);
  const file = await chromium.screenshot(page, 'chromium-helper');
  expect(fs.statSync(file).size).toBeGreaterThan(1000);
  await page.close();
});
