/// <reference lib="dom" />
// The functions handed to page.evaluate run in the browser.
import t from 'tap';
import { OPERATOR_TOKEN } from '../helpers/app.js';
import {
  boomLevert,
  nieuwePagina,
  omgeving,
  rijen,
  schermafdruk,
  startBrowser,
  tekstVan,
} from '../helpers/browser.js';
import { maakLeerling, maakSchool, maakToets, resultaat } from '../helpers/fixtures.js';

// The BOOM TESTCENTRUM screen in a real headless Chromium against the service on a real port, following
// the schools' manual. One browser per file; each test has its own database and browser context.
// A real browser on two shared cores needs more than tap's 120 s per file when the machine is busy.
t.setTimeout(300_000);
const browser = await startBrowser(t);

t.test('the manual on the page: a school and a key, an unknown Boom number, fixed on the page', async (t) => {
  const { ctx, base } = await omgeving(t);
  const { page, paginaFouten } = await nieuwePagina(t, browser);

  // Inloggen: a wrong token is refused on the page, the right one opens Scholen.
  await page.goto(`${base}/`);
  t.match(page.url(), /\/testcentrum\/$/, 'GET / leads to the page');
  await page.getByLabel('Operatortoken').fill('fout-token');
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.getByText('Het operatortoken klopt niet').waitFor();
  await page.getByLabel('Operatortoken').fill(OPERATOR_TOKEN);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.getByRole('heading', { name: 'Scholen', level: 1 }).waitFor();
  await page.getByText('Geen scholen gevonden.').waitFor();

  // Stap 1: the school and its key, shown once.
  await page.getByText('Nieuwe school (Stap 1)').click();
  await page.getByLabel('Naam', { exact: true }).fill('OBS De Regenboog');
  await page.getByLabel('BRIN (optioneel)').fill('12AB');
  await page.getByRole('button', { name: 'School aanmaken' }).click();
  await page.getByRole('heading', { name: 'Koppeling en instellingen' }).waitFor();
  const [school] = await rijen(ctx, 'SELECT id, naam, brin FROM scholen');
  t.same({ naam: school.naam, brin: school.brin }, { naam: 'OBS De Regenboog', brin: '12AB' });
  t.match(page.url(), new RegExp(`#/school/${school.id}$`));
  await page.getByRole('button', { name: 'Nieuwe sleutel uitgeven' }).click();
  const sleutel = await page.getByLabel('Autorisatiesleutel').inputValue();
  t.match(sleutel, /^[A-Za-z0-9_-]{43,}$/, 'the key is on the page');
  t.same(await rijen(ctx, 'SELECT status FROM koppeling_sleutels WHERE school_id = $1', [school.id]), [
    { status: 'aangevraagd' },
  ]);
  await page.getByRole('button', { name: 'Kopiëren' }).click();
  await page.getByText(/Gekopieerd|Geselecteerd/).waitFor();

  // Stap 3 (without the number yet) and the catalogue, through the API.
  await maakLeerling(ctx, school.id, { leerlingId: 'LL-1002', boomLeerlingnummer: null });
  await maakLeerling(ctx, school.id, { leerlingId: 'LL-1001', boomLeerlingnummer: '4839201' });
  await maakToets(ctx);

  // Boom delivers a result for a number nobody has yet.
  const levering = await boomLevert(base, sleutel, [
    resultaat({ resultaatKey: 'BTC-R-2', boomLeerlingnummer: '5550123' }),
    resultaat({ resultaatKey: 'BTC-R-1' }),
  ]);
  t.equal(levering.status, 200);
  t.same(
    levering.body.resultaten.map((r) => r.fout?.code ?? r.status),
    ['LEERLING_NIET_GEVONDEN', 'verwerkt'],
  );

  // The error is on the page, with its fix next to it.
  await page.getByRole('link', { name: /Foutmeldingen/ }).click();
  const kaart = page.locator('li.kaart', { hasText: 'LEERLING_NIET_GEVONDEN' });
  await kaart.waitFor();
  t.match(await kaart.textContent(), /BTC-R-2/);
  t.equal(await kaart.getByLabel('Boom-leerlingnummer').inputValue(), '5550123');
  await schermafdruk(page, 'foutmeldingen');

  // A pupil that does not exist is not created by mistake.
  await kaart.getByLabel('Leerling (leerlingId)').fill('LL-9999');
  await kaart.getByRole('button', { name: 'Nummer opslaan' }).click();
  await page.getByText('Leerling LL-9999 bestaat niet bij deze school.').waitFor();
  t.same(await rijen(ctx, `SELECT 1 FROM leerlingen WHERE leerling_id = 'LL-9999'`), []);

  await kaart.getByLabel('Leerling (leerlingId)').fill('LL-1002');
  await kaart.getByRole('button', { name: 'Nummer opslaan' }).click();
  await page.getByText('Boom-nummer opgeslagen bij LL-1002: 1 fout opgelost.').waitFor();
  await page.getByText('Geen foutmeldingen met dit filter.').waitFor();
  t.same(await rijen(ctx, 'SELECT code, status FROM foutmeldingen'), [
    { code: 'LEERLING_NIET_GEVONDEN', status: 'opgelost' },
  ]);
  t.same(await rijen(ctx, `SELECT boom_leerlingnummer FROM leerlingen WHERE leerling_id = 'LL-1002'`), [
    { boom_leerlingnummer: '5550123' },
  ]);

  // The result is there now.
  await page.getByRole('link', { name: 'Resultaten' }).click();
  const rij = page.locator('tr[data-resultaat="BTC-R-2"]');
  await rij.waitFor();
  t.match(await rij.textContent(), /LL-1002/);
  t.same(await rijen(ctx, 'SELECT resultaat_key, leerling_id FROM toetsresultaten ORDER BY resultaat_key'), [
    { resultaat_key: 'BTC-R-1', leerling_id: 'LL-1001' },
    { resultaat_key: 'BTC-R-2', leerling_id: 'LL-1002' },
  ]);
  await schermafdruk(page, 'resultaten');

  // Aanbiedingen: the delivery, its counts, and the chart.
  await page.getByRole('link', { name: 'Aanbiedingen' }).click();
  await page.locator('svg.grafiek').waitFor();
  t.same(await page.locator('ul.tellers li').allTextContents(), [
    '1 aanbieding',
    '1 verwerkt',
    '0 dubbel',
    '0 verouderd',
    '0 overgeslagen',
    '1 fout',
    '0 afgewezen',
  ]);
  t.match(await tekstVan(page, '.lijst tbody'), /verwerkt 1 · fout 1/);
  t.equal(await page.locator('svg.grafiek rect.staaf-aanbod').count(), 14);
  await schermafdruk(page, 'aanbiedingen');
  t.same(paginaFouten, [], 'no script errors or CSP violations');
});

t.test('a 503 from the API says so on the page, and retrying works', async (t) => {
  const { ctx, base } = await omgeving(t);
  const s = await maakSchool(ctx);
  const { page } = await nieuwePagina(t, browser, { ingelogd: true });
  // The problem+json the service answers while PostgreSQL is away (test/proof/database-outage proves that).
  let weg = true;
  await page.route('**/v1/beheer/fouten?*', (route) =>
    weg
      ? route.fulfill({
          status: 503,
          contentType: 'application/problem+json',
          headers: { 'retry-after': '2' },
          body: JSON.stringify({
            type: 'about:blank',
            status: 503,
            title: 'De database is tijdelijk niet bereikbaar',
            code: 'DATABASE_ONBEREIKBAAR',
          }),
        })
      : route.continue(),
  );
  await page.goto(`${base}/testcentrum/#/school/${s.schoolId}/fouten`);
  await page.getByText('Database niet bereikbaar, probeer het zo opnieuw.').waitFor();
  weg = false;
  await page.getByRole('button', { name: 'Opnieuw proberen', exact: true }).click();
  await page.getByText('Geen foutmeldingen met dit filter.').waitFor();
  t.pass('the error state gives way to the list');
});
