/**
 * The web UI in a real browser (Debian's Chromium driven by playwright-core): search, filter, read the
 * highlighted passage with its section path, copy its citation in one click, open its permalink. Crawled
 * text that looks like HTML stays text.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, startWebUi, type WebUi } from '../helpers/chromium.ts';
import { FIXTURES } from '../helpers/corpus.ts';

describe.skipIf(!HAS_CHROMIUM)('web UI in Chromium', () => {
  let ui: WebUi;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    ui = await startWebUi(path.join(FIXTURES, 'reports'));
    ({ browser, base } = ui);
  });
  afterAll(() => ui?.stop());

  it('searches, shows highlighted passages with their section, and copies a citation in one click', async () => {
    const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(base);
    await expect(page.title()).resolves.toBe('CountryCite');
    await page.fill('input[name=q]', 'femicide');
    await page.selectOption('select[name=country]', 'HN');
    await Promise.all([page.waitForURL(/country=HN/), page.click('button[type=submit]')]);
    // Only older editions match: the page says so rather than showing nothing.
    await expect(page.locator('.notice').first().textContent()).resolves.toMatch(
      /No passage in the latest editions matches/,
    );
    const card = page.locator('li.hit', { hasText: 'femicide remained widespread' });
    await expect(card.locator('mark').first().textContent()).resolves.toBe('femicide');
    await expect(card.locator('.path').textContent()).resolves.toContain('Women');
    await expect(card.locator('.badge.historical').textContent()).resolves.toMatch(/superseded by 2024/);

    await card.locator('button[data-copy-citation]', { hasText: 'Copy citation' }).click();
    await card.locator('button[data-copied]').waitFor({ timeout: 5000 });
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toMatch(
      /^U\.S\. Dep't of State, Bureau of Democracy, Human Rights, and Labor, Honduras 2023 Human Rights Report § 6/,
    );
    // Screen readers hear it too.
    await page.waitForFunction(
      () => /copied/i.test(document.getElementById('status')?.textContent ?? ''),
      null,
      { timeout: 5000 },
    );

    await card.locator('h2 a').click();
    await page.waitForURL(/\/passages\//);
    await expect(page.locator('.citation').textContent()).resolves.toContain(
      'Honduras 2023 Human Rights Report',
    );
    await expect(page.locator('nav.pages a', { hasText: 'Next passage' }).count()).resolves.toBe(1);
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it('offers the older editions in one click when they hold more matches', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/?q=journalists&country=HN`);
    await expect(page.locator('li.hit .badge.latest').count()).resolves.toBeGreaterThan(0);
    const notice = page.locator('.notice', { hasText: 'older, superseded editions' });
    // Words for a reader, not the API parameter.
    await expect(notice.textContent()).resolves.toMatch(
      /^\d+ more match(es are| is) in older, superseded editions/,
    );
    await expect(notice.textContent()).resolves.not.toContain('latest=');
    const link = notice.locator('a', { hasText: 'Include older editions' });
    await Promise.all([page.waitForURL(/latest=false/), link.click()]);
    await expect(page.locator('li.hit .badge.historical').count()).resolves.toBeGreaterThan(0);
    await page.close();
  });

  it('keeps a selected facet value visible and checked, and unchecks it in one click', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/?q=police&latest=false`);
    const countries = page.locator('aside.facets section', { hasText: 'Country' });
    await Promise.all([
      page.waitForURL(/country=HN/),
      countries.locator('a', { hasText: 'Honduras' }).click(),
    ]);
    const selected = page.locator('aside.facets section', { hasText: 'Country' }).locator('li.selected a');
    await expect(selected.count()).resolves.toBe(1);
    await expect(selected.textContent()).resolves.toContain('Honduras');
    await expect(selected.getAttribute('aria-current')).resolves.toBe('true');
    await Promise.all([page.waitForURL((url) => !url.searchParams.has('country')), selected.click()]);
    await expect(page.locator('aside.facets li.selected').count()).resolves.toBe(0);
    await page.close();
  });

  it('has an icon, so the browser asks for nothing that is not there', async () => {
    const page = await browser.newPage();
    const missing: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) missing.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${base}/?q=police`);
    const icon = await page.locator('link[rel=icon]').getAttribute('href');
    expect(icon).toBe('/static/favicon.svg');
    const fetched = await page.request.get(`${base}/favicon.ico`);
    expect(fetched.status()).toBe(200);
    expect(fetched.headers()['content-type']).toBe('image/svg+xml');
    expect(await fetched.text()).toContain('<svg');
    expect(missing).toEqual([]);
    await page.close();
  });

  it('shows crawled markup as text and runs none of it', async () => {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${base}/?q=${encodeURIComponent('cell marked')}&latest=false`);
    const text = await page.locator('li.hit .text').first().textContent();
    expect(text).toContain('<script>alert("x")</script>');
    expect(await page.locator('li.hit .text script').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('reports a bad filter value on the page with a 400', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${base}/?q=x&country=Atlantis`);
    expect(response?.status()).toBe(400);
    await expect(page.locator('[role=alert]').textContent()).resolves.toMatch(/"Atlantis" is not a country/);
    await page.close();
  });
});
