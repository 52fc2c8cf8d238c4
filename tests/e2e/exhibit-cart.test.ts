/**
 * The exhibit cart in a real browser: add passages from the search results, open the cart, fill the cover
 * page fields and download the packet; the downloaded PDF has a tab per report and the respondent's name.
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, startWebUi, type WebUi } from '../helpers/chromium.ts';
import { exhibitFolder, readBack } from '../helpers/exhibit-fixtures.ts';

describe.skipIf(!HAS_CHROMIUM)('exhibit cart in Chromium', () => {
  let ui: WebUi;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    ui = await startWebUi(await exhibitFolder());
    ({ browser, base } = ui);
  });
  afterAll(() => ui?.stop());

  it('collects passages and downloads the packet', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${base}/?q=femicide&latest=false`);
    const add = page.locator('button[data-cart-add]');
    expect(await add.count()).toBeGreaterThan(1);
    await add.nth(0).click();
    await add.nth(1).click();
    await expect(page.locator('[data-cart-count]').textContent()).resolves.toBe('2');
    await expect(add.nth(0).getAttribute('aria-pressed')).resolves.toBe('true');

    await page.click('a.cart-link');
    await page.waitForURL(/\/exhibits$/);
    await expect(page.locator('[data-cart-list] li').count()).resolves.toBe(2);
    await page.fill('input[name=respondent]', 'Jane Doe');
    await page.check('input[name=certificate]');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('form button[type=submit]'),
    ]);
    expect(download.suggestedFilename()).toBe('exhibit-packet.pdf');
    const { pages } = await readBack(new Uint8Array(readFileSync((await download.path()) as string)));
    expect(pages[0]?.text).toContain('JANE DOE');
    expect(pages.some((p) => p.text.includes('TAB A'))).toBe(true);
    expect(pages.at(-1)?.text).toContain('CERTIFICATE OF SERVICE');
    await context.close();
  });
});
