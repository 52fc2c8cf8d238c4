/**
 * The exhibit cart in a real browser: add passages from the search results and passage pages, open the
 * cart, arrange the passages into tabs with claim elements and summaries, fill the cover page and filer
 * fields and download the packet and its annotated index.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hit, SearchResponse } from '../../server/schemas.ts';
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

  /** Presses Build and reads what the browser downloads. */
  async function build(page: Page): Promise<{ name: string; bytes: Uint8Array }> {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('form button[type=submit]'),
    ]);
    return {
      name: download.suggestedFilename(),
      bytes: new Uint8Array(readFileSync((await download.path()) as string)),
    };
  }

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
    await expect(page.locator('[data-cart-item]').count()).resolves.toBe(2);
    await page.fill('input[name=respondent]', 'Jane Doe');
    await page.check('input[name=certificate]');
    const download = await build(page);
    expect(download.name).toBe('exhibit-packet.pdf');
    const { pages } = await readBack(download.bytes);
    expect(pages[0]?.text).toContain('JANE DOE');
    expect(pages.some((p) => p.text.includes('TAB A'))).toBe(true);
    expect(pages.at(-1)?.text).toContain('CERTIFICATE OF SERVICE');
    await context.close();
  });

  async function passage(q: string, filters: string): Promise<Hit> {
    const response = await fetch(`${base}/api/search?q=${encodeURIComponent(q)}&latest=false${filters}`);
    const hit = ((await response.json()) as SearchResponse).hits[0];
    if (!hit) throw new Error(`no passage for ${q}`);
    return hit;
  }

  it('tells passages apart, arranges them into tabs with a claim element and summary, and sends the filer and the service', async () => {
    const rape = await passage('rape domestic violence', '&country=HN&edition=2023');
    const shelters = await passage('shelters survivors', '&country=HN&edition=2023');
    const acrossPages = await passage('Observers reported 11 incidents', '&country=GT');
    expect(shelters.citation.short).toBe(rape.citation.short);
    expect(acrossPages.pageEnd).toBeGreaterThan(acrossPages.page ?? 0);
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();

    // The passage page: its page range and a readable capture time.
    await page.goto(`${base}/passages/${acrossPages.id}`);
    await expect(page.locator('article .meta').textContent()).resolves.toContain(
      `Pages ${acrossPages.page}–${acrossPages.pageEnd}`,
    );
    const captured = (await page.locator('dl.facts time').textContent()) ?? '';
    expect(captured).toMatch(/^[A-Z][a-z]+ \d{1,2}, \d{4}, \d{2}:\d{2} UTC$/);
    await page.click('button[data-cart-add]');
    for (const hit of [rape, shelters]) {
      await page.goto(`${base}/passages/${hit.id}`);
      await page.click('button[data-cart-add]');
    }

    await page.goto(`${base}/exhibits`);
    const exhibits = page.locator('[data-cart-exhibit]');
    await expect(exhibits.count()).resolves.toBe(2);
    // Two passages of one section cite alike; the paragraph and their opening words tell them apart.
    const item = (id: string) => page.locator(`[data-cart-item="${id}"]`);
    await expect(item(rape.id).locator('.place').textContent()).resolves.toBe(`¶ ${rape.paragraph}`);
    await expect(item(shelters.id).locator('.place').textContent()).resolves.toBe(`¶ ${shelters.paragraph}`);
    await expect(item(shelters.id).locator('.snippet').textContent()).resolves.toContain(
      'Shelters for survivors',
    );
    await expect(item(acrossPages.id).locator('.place').textContent()).resolves.toContain(
      `pp. ${acrossPages.page}–${acrossPages.pageEnd}`,
    );

    // Shelters gets a tab of its own: A (Guatemala), B (rape), C (shelters).
    await item(shelters.id).locator('select[data-cart-move]').selectOption({ label: 'New tab' });
    await expect(exhibits.count()).resolves.toBe(3);
    await expect(
      page.locator('[data-cart-exhibit="C"] [data-cart-item]').getAttribute('data-cart-item'),
    ).resolves.toBe(shelters.id);
    await page.fill('[data-cart-exhibit="B"] input[name=claimElement]', 'Nexus');
    await page.fill('[data-cart-exhibit="C"] input[name=claimElement]', 'Nexus');
    await page.fill(
      '[data-cart-exhibit="A"] textarea[name=summary]',
      'Arbitrary detention goes uninvestigated.',
    );
    // What is typed is kept with the cart.
    await page.reload();
    await expect(page.locator('[data-cart-exhibit="B"] input[name=claimElement]').inputValue()).resolves.toBe(
      'Nexus',
    );

    await page.fill('input[name=filerName]', 'Pat Attorney');
    await page.fill('input[name=filerFirm]', 'Legal Aid');
    await page.fill('textarea[name=filerAddress]', '1 Main St\nSan Francisco, CA');
    await page.selectOption('select[name=format]', 'index-md');
    const text = new TextDecoder().decode((await build(page)).bytes);
    expect(text).toContain('## Country conditions (Tab A)');
    expect(text).toContain('## Nexus (Tabs B, C)');
    expect(text).toMatch(
      /\| A \| [^|]+ \| \*Guatemala 2023 Human Rights Report\*: Arbitrary detention goes uninvestigated\. \|/,
    );

    await page.check('input[name=certificate]');
    await page.fill('textarea[name=serviceAddress]', '100 Montgomery St\nSan Francisco, CA');
    await page.fill('input[name=serviceDate]', '2026-04-01');
    await page.selectOption('select[name=serviceMethod]', 'first-class mail');
    await page.selectOption('select[name=format]', 'pdf');
    const { pages } = await readBack((await build(page)).bytes);
    for (const line of ['Pat Attorney', 'Legal Aid', '1 Main St', 'San Francisco, CA']) {
      expect(pages[0]?.text).toContain(line);
    }
    expect(pages[1]?.text).toMatch(/\bC\b/);
    expect(pages.filter((p) => /TAB [ABC]\b/.test(p.text))).toHaveLength(3);
    expect(pages.at(-1)?.text.replace(/\s+/g, ' ')).toContain(
      'I, Pat Attorney, certify that on April 1, 2026, I served a complete copy',
    );
    expect(pages.at(-1)?.text.replace(/\s+/g, ' ')).toContain(
      'on DHS/ICE Office of the Principal Legal Advisor at 100 Montgomery St, San Francisco, CA by first-class mail.',
    );
    await context.close();
  });
});
