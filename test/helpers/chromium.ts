/**
 * Headless Chromium for browser tests: Debian's `chromium` package (installed by .ci/run when absent)
 * driven by puppeteer-core, which downloads nothing. Each browser gets a fresh profile directory that
 * is removed on close, and the flags that keep it from reaching for the network at start.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import puppeteer, { type Browser, type ConsoleMessage, type Page } from 'puppeteer-core';

/** Where screenshots and other browser-test artifacts go (git-ignored; CI may keep the folder). */
export const ARTIFACTS_DIR = path.resolve(__dirname, '..', '..', 'test-artifacts');

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The browser binary: CHROMIUM_PATH when set, otherwise the first Debian/Ubuntu location present. */
export function chromiumPath(): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!fs.existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist`);
    return configured;
  }
  const found = CANDIDATES.find((candidate) => fs.existsSync(candidate));
  if (!found) {
    throw new Error(
      `no Chromium found (looked at ${CANDIDATES.join(', ')}); install Debian's package with ` +
        '`apt-get install -y chromium` (.ci/run does) or set CHROMIUM_PATH',
    );
  }
  return found;
}

export interface TestBrowser {
  browser: Browser;
  /** A new page whose console errors and page errors are collected in `errors`. */
  newPage(): Promise<{ page: Page; errors: string[] }>;
  /** Saves a full-page PNG under ARTIFACTS_DIR and returns its path. */
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<TestBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    userDataDir: profile,
    timeout: 30_000,
    protocolTimeout: 30_000,
    args: [
      // Root in a container has no usable sandbox.
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      // Without these Chromium keeps trying Google's hosts, which this offline machine refuses.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
  return {
    browser,
    async newPage() {
      const page = await browser.newPage();
      page.setDefaultTimeout(20_000);
      const errors: string[] = [];
      page.on('console', (message: ConsoleMessage) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error: unknown) => errors.push(error instanceof Error ? error.message : String(error)));
      return { page, errors };
    },
    async screenshot(page, name) {
      fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
      const file = path.join(ARTIFACTS_DIR, name.endsWith('.png') ? name : `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await browser.close().catch(() => undefined);
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
