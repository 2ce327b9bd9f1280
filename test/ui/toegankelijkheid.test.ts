/// <reference lib="dom" />
// The functions handed to page.evaluate run in the browser.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import t from 'tap';
import { OPERATOR_TOKEN } from '../helpers/app.js';
import { boomLevert, nieuwePagina, omgeving, rijen, startBrowser, tabNaar } from '../helpers/browser.js';
import { maakLeerling, maakSchool, maakToets, resultaat } from '../helpers/fixtures.js';

// The BOOM TESTCENTRUM screen with the keyboard alone, and axe-core's check of every view, in a real
// headless Chromium (one per file).
// A real browser on two shared cores needs more than tap's 120 s per file when the machine is busy.
t.setTimeout(300_000);
const browser = await startBrowser(t);

t.test('keyboard only: log in, find the school, dismiss an error, retry all', async (t) => {
  const { ctx, base } = await omgeving(t);
  const s = await maakSchool(ctx, { naam: 'Al Amal' });
  await maakToets(ctx);
  await boomLevert(base, s.sleutel, [
    resultaat({ resultaatKey: 'BTC-R-7', boomLeerlingnummer: '111' }),
    resultaat({ resultaatKey: 'BTC-R-8', boomLeerlingnummer: '222' }),
  ]);
  const { page, paginaFouten } = await nieuwePagina(t, browser, { viewport: { width: 820, height: 1180 } });
  await page.goto(`${base}/`);
  await page.getByLabel('Operatortoken').waitFor();
  await page.keyboard.type(OPERATOR_TOKEN);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Scholen', level: 1 }).waitFor();
  await tabNaar(page, 'a', 'Al Amal');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Koppeling en instellingen' }).waitFor();
  await tabNaar(page, 'a', 'Foutmeldingen');
  await page.keyboard.press('Enter');
  await page.locator('li.kaart').nth(1).waitFor();
  // The newest first: BTC-R-8's card comes first, its Negeren is the first one.
  await tabNaar(page, 'button', 'Negeren');
  await page.keyboard.press('Enter');
  await page.getByText('BTC-R-8 genegeerd').waitFor();
  t.match(
    await page.evaluate(() => document.activeElement?.textContent ?? ''),
    /BTC-R-8 genegeerd/,
    'the focus lands on what happened',
  );
  await tabNaar(page, 'button', 'Alle passende open foutmeldingen');
  await page.keyboard.press(' ');
  await page.getByText('Alle passende open foutmeldingen opnieuw verwerkt: 1 fout.').waitFor();
  t.same(
    await rijen(ctx, 'SELECT resultaat_key, status, pogingen FROM foutmeldingen ORDER BY resultaat_key'),
    [
      { resultaat_key: 'BTC-R-7', status: 'open', pogingen: 2 },
      { resultaat_key: 'BTC-R-8', status: 'genegeerd', pogingen: 1 },
    ],
  );
  t.same(paginaFouten, []);
});

t.test('accessibility (axe-core): no serious or critical violations on any view', async (t) => {
  const { ctx, base } = await omgeving(t);
  const s = await maakSchool(ctx);
  await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-1', boomLeerlingnummer: '4839201' });
  await maakToets(ctx);
  await boomLevert(base, s.sleutel, [
    resultaat(),
    resultaat({ resultaatKey: 'BTC-R-9', boomLeerlingnummer: '999' }),
    resultaat({ resultaatKey: 'BTC-R-10', toets: { code: 'BLVS-RW' }, toetsonderdeel: null }),
  ]);
  const uit = await nieuwePagina(t, browser);
  const { page, paginaFouten } = await nieuwePagina(t, browser, { ingelogd: true });
  const views: Array<[string, string]> = [
    ['scholen', '/testcentrum/#/scholen'],
    ['school', `/testcentrum/#/school/${s.schoolId}`],
    ['aanbiedingen', `/testcentrum/#/school/${s.schoolId}/aanbiedingen`],
    ['foutmeldingen', `/testcentrum/#/school/${s.schoolId}/fouten`],
    ['boom-nummers', `/testcentrum/#/school/${s.schoolId}/boom-nummers`],
    ['resultaten', `/testcentrum/#/school/${s.schoolId}/resultaten`],
    ['catalogus', '/testcentrum/#/catalogus?toets=BLVS-RW'],
  ];
  async function ernstig(p: Page, naam: string) {
    await p.locator('main h1').waitFor();
    await p.waitForFunction(() => document.querySelectorAll('main .laden').length === 0);
    const { violations } = await new AxeBuilder({ page: p }).analyze();
    const lijst = violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    t.same(lijst, [], `${naam}: no serious or critical violations`);
  }
  await uit.page.goto(`${base}/`);
  await ernstig(uit.page, 'inloggen');
  for (const [naam, pad] of views) {
    await page.goto(`${base}${pad}`);
    await ernstig(page, naam);
  }
  t.same(paginaFouten, []);
});
