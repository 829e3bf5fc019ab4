// Debian's headless Chromium driven by puppeteer-core (no browser download), for the browser tests.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Browser } from 'puppeteer-core' with { 'resolution-mode': 'import' };

export type { Browser };

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Fails at once, naming the fix, when there is no Chromium. */
export function assertChromium(): void {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
}

export async function launchChromium(): Promise<Browser> {
  assertChromium();
  // puppeteer-core is an ES module; the test files are CommonJS.
  const { default: puppeteer } = await import('puppeteer-core');
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // As root (CI) Chromium needs --no-sandbox; /dev/shm is small in containers.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}
