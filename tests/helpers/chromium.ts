/** Debian's Chromium, headless, driven by playwright-core; tests that need it skip (with why) without it. */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);

if (!HAS_CHROMIUM) {
  // CI installs Chromium (.ci/run); elsewhere the suite says why the browser tests did not run.
  if (process.env.CI)
    throw new Error(`${CHROMIUM} is missing: .ci/run should have installed Debian's chromium package`);
  process.stderr.write(`[skip] browser tests: ${CHROMIUM} not found (apt-get install chromium)\n`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}
