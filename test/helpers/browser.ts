/// <reference lib="dom" />
// The functions handed to page.evaluate run in the browser.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { Test } from 'tap';
import { buildTestApp, OPERATOR_TOKEN, type TestContext } from './app.js';
import { aanbieding } from './fixtures.js';

/** Debian's Chromium (`apt-get install -y chromium`); .ci/run installs it when missing. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * One headless Chromium for a whole test file. Without it the file fails with this message instead of
 * skipping: a browser test that silently does not run proves nothing.
 */
export async function startBrowser(t: Test): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} ontbreekt: de browsertests hebben Debian's Chromium nodig (apt-get update && apt-get install -y chromium; .ci/run doet dat zelf)`,
    );
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  t.teardown(() => browser.close());
  return browser;
}

/** The test app on a real port of 127.0.0.1, as a browser needs it. */
export async function luister(ctx: TestContext): Promise<string> {
  await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = ctx.app.server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/**
 * A fresh browser context (its own sessionStorage) on a laptop-sized screen, closed with the test. With
 * `ingelogd`, the operator token is in sessionStorage before the page loads, as after Inloggen.
 */
export async function nieuwePagina(
  t: Test,
  browser: Browser,
  opts: { ingelogd?: boolean; viewport?: { width: number; height: number } } = {},
): Promise<{ context: BrowserContext; page: Page; paginaFouten: string[] }> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 860 } });
  context.setDefaultTimeout(15_000);
  if (opts.ingelogd)
    await context.addInitScript((token) => {
      sessionStorage.setItem('boom-koppeling.operatortoken', token);
    }, OPERATOR_TOKEN);
  const page = await context.newPage();
  // Script errors and CSP violations on the page fail the test that caused them.
  const paginaFouten: string[] = [];
  page.on('pageerror', (e) => paginaFouten.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) paginaFouten.push(m.text());
  });
  t.teardown(() => context.close());
  return { context, page, paginaFouten };
}

/** With SCHERMAFDRUKKEN=1 (npm run screenshots) a view is saved as docs/scherm-<naam>.png. */
export async function schermafdruk(page: Page, naam: string): Promise<void> {
  if (!process.env.SCHERMAFDRUKKEN) return;
  await mkdir('docs', { recursive: true });
  await page.screenshot({ path: `docs/scherm-${naam}.png`, fullPage: true });
}

/**
 * Presses Tab until the focused element is a `tag` whose text (or aria-label) holds `tekst`, as a keyboard
 * user would; fails after `max` presses.
 */
export async function tabNaar(page: Page, tag: string, tekst: string, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const raak = await page.evaluate(
      ([tg, tk]) => {
        const el = document.activeElement;
        if (!el || el.tagName !== tg) return false;
        return (el.textContent ?? '').includes(tk) || (el.getAttribute('aria-label') ?? '').includes(tk);
      },
      [tag.toUpperCase(), tekst] as const,
    );
    if (raak) return;
  }
  throw new Error(`na ${max} keer Tab geen ${tag} met "${tekst}"`);
}

/** A fresh database and the service on a real port. */
export async function omgeving(t: Test): Promise<{ ctx: TestContext; base: string }> {
  const ctx = await buildTestApp(t);
  return { ctx, base: await luister(ctx) };
}

/** What Boom does: a delivery over HTTP with the school's key. */
export async function boomLevert(base: string, sleutel: string, resultaten: unknown[]) {
  const res = await fetch(`${base}/v1/boom/resultaten`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sleutel}`, 'content-type': 'application/json' },
    body: JSON.stringify(aanbieding(resultaten)),
  });
  return {
    status: res.status,
    body: (await res.json()) as { resultaten: Array<{ status: string; fout?: { code: string } }> },
  };
}

export async function rijen(ctx: TestContext, sql: string, params: unknown[] = []) {
  return (await ctx.sql.query(sql, params)).rows;
}

/** The text of the first match, with its white space folded. */
export async function tekstVan(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}
