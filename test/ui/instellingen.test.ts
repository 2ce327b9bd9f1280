/// <reference lib="dom" />
// The functions handed to page.evaluate run in the browser.
import t from 'tap';
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

// Stap 5 and Stap 3 in bulk on the BOOM TESTCENTRUM screen, in a real headless Chromium (one per file).
// A real browser on two shared cores needs more than tap's 120 s per file when the machine is busy.
t.setTimeout(300_000);
const browser = await startBrowser(t);

t.test('Stap 5 on the page: unticking BOOM WIJZIGINGEN VERWERKEN skips the next hernormering', async (t) => {
  const { ctx, base } = await omgeving(t);
  const s = await maakSchool(ctx, { naam: 'Het Kompas' });
  await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-1', boomLeerlingnummer: '4839201' });
  await maakToets(ctx);
  t.equal((await boomLevert(base, s.sleutel, [resultaat()])).status, 200);
  const hernormering = (revisie: number, dle: string) =>
    resultaat({ revisie, reden: 'hernormering', referentiescores: [{ code: 'DLE', waarde: dle }] });

  const { page, paginaFouten } = await nieuwePagina(t, browser, { ingelogd: true });
  await page.goto(`${base}/testcentrum/#/school/${s.schoolId}`);
  const vink = page.getByLabel('BOOM WIJZIGINGEN VERWERKEN');
  t.equal(await vink.isChecked(), true, 'on by default');
  await vink.uncheck();
  await page.getByRole('button', { name: 'Opslaan' }).first().click();
  await page.getByText('Opgeslagen: Boom-wijzigingen worden niet verwerkt.').waitFor();
  t.same(await rijen(ctx, 'SELECT boom_wijzigingen_verwerken FROM scholen'), [
    { boom_wijzigingen_verwerken: false },
  ]);

  const overgeslagen = await boomLevert(base, s.sleutel, [hernormering(2, '25')]);
  t.equal(overgeslagen.body.resultaten[0]?.status, 'overgeslagen');
  t.same(await rijen(ctx, 'SELECT revisie, dle::float8 AS dle FROM toetsresultaten'), [
    { revisie: 1, dle: 22 },
  ]);

  await page.reload();
  await vink.check();
  await page.getByRole('button', { name: 'Opslaan' }).first().click();
  await page.getByText('Opgeslagen: Boom-wijzigingen worden verwerkt.').waitFor();
  const verwerkt = await boomLevert(base, s.sleutel, [hernormering(3, '26')]);
  t.equal(verwerkt.body.resultaten[0]?.status, 'verwerkt');
  t.same(await rijen(ctx, 'SELECT revisie, dle::float8 AS dle FROM toetsresultaten'), [
    { revisie: 3, dle: 26 },
  ]);
  t.same(await rijen(ctx, 'SELECT revisie, verwerking FROM resultaat_revisies ORDER BY revisie'), [
    { revisie: 1, verwerking: 'toegepast' },
    { revisie: 2, verwerking: 'overgeslagen' },
    { revisie: 3, verwerking: 'toegepast' },
  ]);

  // What the page shows of it: per delivery, how it was handled.
  await page.getByRole('link', { name: 'Aanbiedingen' }).click();
  await page.locator('.lijst tbody tr').nth(2).waitFor();
  t.same(await page.locator('.lijst tbody tr td:nth-child(4)').allInnerTexts(), [
    'verwerkt 1',
    'overgeslagen 1',
    'verwerkt 1',
  ]);
  // Stap 4 on the same screen: the catalogue's tests, ticked to activate.
  await page.getByRole('link', { name: 'Koppeling en instellingen' }).click();
  await page.getByLabel('Toets BLVS-SP (BLVS-SP, spelling)').check();
  await page.getByRole('button', { name: 'Opslaan' }).nth(1).click();
  await page.getByText('Opgeslagen: 1 toets geactiveerd.').waitFor();
  t.same(await rijen(ctx, 'SELECT toets_code FROM schooltoetsen'), [{ toets_code: 'BLVS-SP' }]);
  await schermafdruk(page, 'school');
  t.same(paginaFouten, []);
});

t.test(
  'Boom-nummers in bulk: a pasted column with one bad row marks that row and changes nothing',
  async (t) => {
    const { ctx, base } = await omgeving(t);
    const s = await maakSchool(ctx);
    for (const id of ['LL-01', 'LL-02', 'LL-03', 'LL-04'])
      await maakLeerling(ctx, s.schoolId, { leerlingId: id, boomLeerlingnummer: null });
    await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-05', boomLeerlingnummer: '900' });
    const nummers = () =>
      rijen(ctx, 'SELECT leerling_id, boom_leerlingnummer FROM leerlingen ORDER BY leerling_id');
    const voor = await nummers();

    const { context, page, paginaFouten } = await nieuwePagina(t, browser, { ingelogd: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await page.goto(`${base}/testcentrum/#/school/${s.schoolId}/boom-nummers`);
    const cel = page.getByLabel('Boom-leerlingnummer van LL-01');
    await cel.waitFor();
    // A column copied from a spreadsheet: 900 is LL-05's, who keeps it, so the third row is bad.
    await page.evaluate((tekst) => navigator.clipboard.writeText(tekst), '101\r\n102\r\n900\r\n104\r\n');
    await cel.focus();
    await page.keyboard.press('Control+V');
    t.same(
      await Promise.all(
        ['LL-01', 'LL-02', 'LL-03', 'LL-04', 'LL-05'].map((id) =>
          page.getByLabel(`Boom-leerlingnummer van ${id}`).inputValue(),
        ),
      ),
      ['101', '102', '900', '104', '900'],
    );
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByText('Niets opgeslagen: 1 regel is afgewezen (rood gemarkeerd).').waitFor();
    t.same(await page.locator('tr.afgewezen th').allInnerTexts(), ['LL-03'], 'only the bad row is marked');
    t.equal(await page.getByLabel('Boom-leerlingnummer van LL-03').getAttribute('aria-invalid'), 'true');
    t.match(await tekstVan(page, 'tr.afgewezen .melding-cel'), /nummer/);
    t.same(await nummers(), voor, 'all or nothing: no row changed');
    await schermafdruk(page, 'boom-nummers');

    // Corrected, the same request goes through.
    await page.getByLabel('Boom-leerlingnummer van LL-03').fill('103');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByText('Opgeslagen: 4 leerlingen bijgewerkt, 0 fouten opgelost.').waitFor();
    t.same(
      (await nummers()).map((r) => r.boom_leerlingnummer),
      ['101', '102', '103', '104', '900'],
    );
    t.same(paginaFouten, []);
  },
);
