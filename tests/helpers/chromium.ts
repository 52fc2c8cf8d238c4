/** Debian's Chromium, headless, driven by playwright-core; tests that need it skip (with why) without it. */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Browser, chromium } from 'playwright-core';
import { createWebApp } from '../../web/app.tsx';
import { testEngine } from './engine.ts';
import { importAndIndex } from './indexed-fixtures.ts';

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

/** Serves an app on a free loopback port for the browser; returns its origin and how to stop it. */
export async function serveApp(app: { fetch: (request: Request) => Response | Promise<Response> }) {
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => server.close(),
  };
}

export interface WebUi {
  base: string;
  browser: Browser;
  stop(): Promise<void>;
}

/** Imports and indexes `folder` into this test file's indexes, serves the web UI and starts Chromium. */
export async function startWebUi(folder: string): Promise<WebUi> {
  const engine = testEngine();
  const { sources, archive } = await importAndIndex(engine, folder);
  const app = createWebApp({ client: engine.client, indexes: engine.indexes, sources, archive });
  const { base, close } = await serveApp(app);
  const browser = await launchChromium();
  return {
    base,
    browser,
    async stop() {
      await browser.close();
      close();
      await engine.cleanup();
    },
  };
}
