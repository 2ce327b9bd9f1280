import { readFile } from 'node:fs/promises';
import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { leverOk } from '../helpers/boom.js';
import { aanbieding, maakLeerling, maakSchool, maakToets, resultaat } from '../helpers/fixtures.js';

// Issue 11, CONTRACT §2 "Answers name only what Boom sent": a melding and every other part of an answer to
// Boom names only Boom's own data (resultaatKey, codes, the Boom-leerlingnummer masked after its first two
// characters), never SchoolKr8's leerlingId or any other internal id.

const LEERLING = 'GEHEIM-LL-77';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

t.test('every fout of a delivery names only what Boom sent', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await maakSchool(ctx);
  await maakToets(ctx);
  await maakLeerling(ctx, s.schoolId, {
    leerlingId: LEERLING,
    boomLeerlingnummer: '4839201',
    toetsdoel: null,
  });
  await maakLeerling(ctx, s.schoolId, { leerlingId: 'ANDER-LL-88', boomLeerlingnummer: '5550001' });
  await leverOk(ctx, s.auth, aanbieding([resultaat({ resultaatKey: 'R-C', boomLeerlingnummer: '5550001' })]));
  const body = aanbieding(
    [
      resultaat({ resultaatKey: 'R-GD' }),
      resultaat({ resultaatKey: 'R-LNG', boomLeerlingnummer: '9990001' }),
      resultaat({ resultaatKey: 'R-TNG', boomLeerlingnummer: '5550001', toets: { code: 'ONBEKEND' } }),
      resultaat({ resultaatKey: 'R-ONG', boomLeerlingnummer: '5550001', toetsonderdeel: { code: 'NIETS' } }),
      resultaat({ resultaatKey: 'R-C', boomLeerlingnummer: '5550001', normversie: 'anders' }),
    ],
    'privacy-1',
  );
  const res = await leverOk(ctx, s.auth, body);
  const uitkomsten = res.json().resultaten as Array<{ fout: { code: string; melding: string } }>;
  t.same(
    uitkomsten.map((u) => u.fout.code),
    [
      'GEEN_TOETSDOEL',
      'LEERLING_NIET_GEVONDEN',
      'TOETS_NIET_GEVONDEN',
      'TOETSONDERDEEL_NIET_GEVONDEN',
      'REVISIE_CONFLICT',
    ],
  );
  t.equal(uitkomsten[0]?.fout.melding, 'De leerling met Boom-leerlingnummer 48… heeft geen toetsdoel');
  for (const tekst of [res.body, (await leverOk(ctx, s.auth, body)).body]) {
    t.notOk(tekst.includes(LEERLING), 'no leerlingId in the answer or its replay');
    t.notOk(tekst.includes('ANDER-LL-88'));
    t.notOk(
      tekst.includes('4839201') || tekst.includes('5550001') || tekst.includes('9990001'),
      'numbers masked',
    );
    t.notOk(UUID.test(tekst), 'no internal id');
  }
  const { rows } = await ctx.sql.query("SELECT melding FROM foutmeldingen WHERE code = 'GEEN_TOETSDOEL'");
  t.same(rows, [{ melding: 'De leerling met Boom-leerlingnummer 48… heeft geen toetsdoel' }]);
});

t.test(
  'migration 0007 rewrites a stored answer that named the leerlingId, so a replay does not',
  async (t) => {
    const ctx = await buildTestApp(t);
    const s = await maakSchool(ctx);
    await maakToets(ctx);
    await maakLeerling(ctx, s.schoolId, {
      leerlingId: LEERLING,
      boomLeerlingnummer: '4839201',
      toetsdoel: null,
    });
    const body = aanbieding([resultaat()], 'oud-1');
    await leverOk(ctx, s.auth, body);
    // As a service before this issue stored them.
    const oud = `Leerling ${LEERLING} heeft geen toetsdoel`;
    await ctx.sql.query(
      `UPDATE aanbiedingen SET antwoord = jsonb_set(antwoord, '{resultaten,0,fout,melding}', to_jsonb($1::text))`,
      [oud],
    );
    await ctx.sql.query('UPDATE foutmeldingen SET melding = $1', [oud]);
    await ctx.sql.query(await readFile(new URL('../../migrations/0007_datums.sql', import.meta.url), 'utf8'));
    const replay = await leverOk(ctx, s.auth, body);
    t.equal(replay.headers['idempotent-replayed'], 'true');
    t.notOk(replay.body.includes(LEERLING));
    t.same(
      replay.json().resultaten.map((r: { fout?: { melding: string } }) => r.fout?.melding),
      ['De leerling met Boom-leerlingnummer 48… heeft geen toetsdoel'],
    );
    const { rows } = await ctx.sql.query('SELECT melding FROM foutmeldingen');
    t.same(rows, [{ melding: 'De leerling met Boom-leerlingnummer 48… heeft geen toetsdoel' }]);
  },
);
