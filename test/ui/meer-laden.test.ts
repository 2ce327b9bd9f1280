/// <reference lib="dom" />
// The functions handed to page.evaluate run in the browser.
import t from 'tap';
import { nieuwePagina, omgeving, startBrowser } from '../helpers/browser.js';
import { maakSchoolZonderSleutel } from '../helpers/fixtures.js';

// Issue 14: every list on the BOOM TESTCENTRUM screen pages with the API's cursor (ui/js/lijst.js), "Meer
// laden" for the next page, never everything at once. In a real headless Chromium (one per file).
// A real browser on two shared cores needs more than tap's 120 s per file when the machine is busy.
t.setTimeout(300_000);
const browser = await startBrowser(t);

t.test('"Meer laden" shows the next page in order, no row twice, and is gone at the end', async (t) => {
  const { ctx, base } = await omgeving(t);
  // 60 schools: the Scholen list shows 25 a page (ui/js/scholen.js), so two more pages, the last of 10.
  const namen = Array.from({ length: 60 }, (_, i) => `School ${String(i + 1).padStart(2, '0')}`);
  // Made in another order than the list shows them (by name), so the order is the list's own.
  for (const naam of [...namen].reverse()) await maakSchoolZonderSleutel(ctx, { naam });

  const { page, paginaFouten } = await nieuwePagina(t, browser, { ingelogd: true });
  const cursors: Array<string | null> = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname === '/v1/beheer/scholen') cursors.push(url.searchParams.get('cursor'));
  });
  await page.goto(`${base}/testcentrum/#/scholen`);
  const rij = page.locator('.lijst tbody tr');
  const meer = page.locator('.lijst button.meer');
  const getoond = () => page.locator('.lijst tbody tr td:first-child').allInnerTexts();

  await rij.nth(24).waitFor();
  t.same(await getoond(), namen.slice(0, 25), 'the first page: 25 schools by name');
  t.equal(await meer.isVisible(), true, 'Meer laden is offered');
  t.same(cursors, [null], 'the first page is asked for without a cursor');

  await meer.click();
  await rij.nth(49).waitFor();
  t.same(await getoond(), namen.slice(0, 50), 'the second page follows the first, in order, none twice');
  t.equal(await meer.isVisible(), true, 'there is more');

  await meer.click();
  await rij.nth(59).waitFor();
  await page.locator('.lijst .lijst-staat .laden').waitFor({ state: 'detached' });
  const alle = await getoond();
  t.same(alle, namen, 'all 60, in order');
  t.equal(new Set(alle).size, 60, 'no school twice');
  await meer.waitFor({ state: 'hidden' });
  t.equal(await meer.isVisible(), false, 'at the end Meer laden is gone');
  t.equal(await rij.count(), 60, 'and nothing more came');

  t.equal(cursors.length, 3, 'three pages asked for');
  t.equal(cursors[0], null);
  t.ok(
    cursors[1] && cursors[2] && cursors[1] !== cursors[2],
    'each next page with the cursor of the one before',
  );
  t.same(paginaFouten, []);
});
