import t, { type Test } from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { lever } from '../helpers/boom.js';
import { aanbieding, maakLeerling, maakToets, resultaat, standaardSchool } from '../helpers/fixtures.js';

// Issue 17 (a): "same content" means EVERY field of the validated result is equal (CONTRACT §2). Each field
// is changed on its own: the same revisie is then a REVISIE_CONFLICT, and the same berichtId a 409.

type Wijziging = (r: ReturnType<typeof resultaat>) => Record<string, unknown>;

const basis = resultaat({
  toetsscore: {
    aantalOpgaven: 40,
    aantalGoed: 27,
    aantalFout: 13,
    vaardigheidsscore: 143,
    vaardigheidsschaal: 'BLVS',
  },
  referentiescores: [
    { code: 'DLE', waarde: '22' },
    { code: 'Percentiel', waarde: '31', vergelijkingsgroep: 'Landelijk' },
  ],
});

const zonder = (r: Record<string, unknown>, veld: string) => {
  const { [veld]: _weg, ...rest } = r;
  return rest;
};

/** One field of the validated result changed (or dropped, where it is optional); nothing else. */
const wijzigingen: Array<[string, Wijziging]> = [
  ['reden', (r) => ({ ...r, reden: 'correctie' })],
  ['boomLeerlingnummer (another pupil of the school)', (r) => ({ ...r, boomLeerlingnummer: '5550001' })],
  [
    'toets.code (another toets with the same onderdeel)',
    (r) => ({ ...r, toets: { ...r.toets, code: 'BLVS-RE' } }),
  ],
  ['toets.versie', (r) => ({ ...r, toets: { ...r.toets, versie: 'B' } })],
  ['toets.versie absent', (r) => ({ ...r, toets: { code: r.toets.code } })],
  ['toetsonderdeel', (r) => ({ ...r, toetsonderdeel: { code: 'WERKWOORDEN' } })],
  ['toetsonderdeel null', (r) => ({ ...r, toetsonderdeel: null })],
  ['afnamedatum', (r) => ({ ...r, afnamedatum: '2026-02-02' })],
  ['toetsscore.aantalOpgaven', (r) => ({ ...r, toetsscore: { ...r.toetsscore, aantalOpgaven: 41 } })],
  ['toetsscore.aantalGoed', (r) => ({ ...r, toetsscore: { ...r.toetsscore, aantalGoed: 28 } })],
  ['toetsscore.aantalFout', (r) => ({ ...r, toetsscore: { ...r.toetsscore, aantalFout: 12 } })],
  [
    'toetsscore.vaardigheidsscore',
    (r) => ({ ...r, toetsscore: { ...r.toetsscore, vaardigheidsscore: 143.5 } }),
  ],
  [
    'toetsscore.vaardigheidsschaal',
    (r) => ({ ...r, toetsscore: { ...r.toetsscore, vaardigheidsschaal: 'X' } }),
  ],
  ['toetsscore absent', (r) => zonder(r, 'toetsscore')],
  [
    'referentiescores: the DLE',
    (r) => ({ ...r, referentiescores: [{ code: 'DLE', waarde: '22.5' }, r.referentiescores[1]] }),
  ],
  [
    'referentiescores: another score’s waarde',
    (r) => ({
      ...r,
      referentiescores: [r.referentiescores[0], { ...r.referentiescores[1], waarde: '32' }],
    }),
  ],
  [
    'referentiescores: a vergelijkingsgroep',
    (r) => ({
      ...r,
      referentiescores: [r.referentiescores[0], { ...r.referentiescores[1], vergelijkingsgroep: 'Regio' }],
    }),
  ],
  [
    'referentiescores: a code',
    (r) => ({ ...r, referentiescores: [r.referentiescores[0], { ...r.referentiescores[1], code: 'FN' }] }),
  ],
  [
    'referentiescores: one more',
    (r) => ({ ...r, referentiescores: [...r.referentiescores, { code: 'IV', waarde: 'IV' }] }),
  ],
  ['referentiescores absent', (r) => zonder(r, 'referentiescores')],
  ['normversie', (r) => ({ ...r, normversie: '2024' })],
  ['normversie absent', (r) => zonder(r, 'normversie')],
];

async function opzet(t: Test) {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-2', boomLeerlingnummer: '5550001' });
  await maakToets(ctx, 'BLVS-RE', 'rekenen', ['WOORDEN']);
  return { ctx, s };
}

t.test('the same revisie with one field changed is a REVISIE_CONFLICT, whichever field', async (t) => {
  const { ctx, s } = await opzet(t);
  for (const [i, [naam, wijzig]] of wijzigingen.entries()) {
    const key = `K-${i}`;
    const eerst = { ...basis, resultaatKey: key };
    const eersteAntwoord = await lever(ctx, s.auth, aanbieding([eerst]));
    t.equal(eersteAntwoord.json().resultaten[0].status, 'verwerkt', `${naam}: the first is stored`);
    const anders = wijzig(eerst);
    const res = await lever(ctx, s.auth, aanbieding([anders]));
    t.equal(res.statusCode, 200, naam);
    t.same(
      res.json().resultaten,
      [
        {
          resultaatKey: key,
          revisie: 1,
          status: 'fout',
          fout: {
            code: 'REVISIE_CONFLICT',
            melding: `Revisie 1 van resultaat ${key} kwam eerder met een andere inhoud`,
          },
        },
      ],
      `${naam}: REVISIE_CONFLICT`,
    );
    const huidig = await ctx.sql.query(
      `SELECT t.revisie, t.leerling_id, h.resultaat
         FROM toetsresultaten t JOIN resultaat_revisies h USING (school_id, resultaat_key, revisie)
        WHERE t.resultaat_key = $1`,
      [key],
    );
    t.equal(huidig.rows.length, 1, `${naam}: one current result`);
    t.equal(huidig.rows[0].leerling_id, 'LL-1', `${naam}: still the first pupil's`);
    t.same(huidig.rows[0].resultaat, eerst, `${naam}: the current result is the first content`);
    const fouten = await ctx.sql.query(
      'SELECT code, status, revisie, pogingen, resultaat FROM foutmeldingen WHERE resultaat_key = $1',
      [key],
    );
    t.equal(fouten.rows.length, 1, `${naam}: one foutmelding`);
    t.match(fouten.rows[0], { code: 'REVISIE_CONFLICT', status: 'open', revisie: 1, pogingen: 1 }, naam);
    t.same(fouten.rows[0].resultaat, anders, `${naam}: the foutmelding keeps the conflicting content`);
    const revisies = await ctx.sql.query(
      'SELECT revisie, verwerking FROM resultaat_revisies WHERE resultaat_key = $1',
      [key],
    );
    t.same(revisies.rows, [{ revisie: 1, verwerking: 'toegepast' }], `${naam}: the history unchanged`);
  }
});

t.test('the same berichtId with one field of one result changed is a 409, whichever field', async (t) => {
  const { ctx, s } = await opzet(t);
  for (const [i, [naam, wijzig]] of wijzigingen.entries()) {
    const key = `B-${i}`;
    const eerst = { ...basis, resultaatKey: key };
    const berichtId = `bericht-${i}`;
    t.equal((await lever(ctx, s.auth, aanbieding([eerst], berichtId))).statusCode, 200, naam);
    const res = await lever(ctx, s.auth, aanbieding([wijzig(eerst)], berichtId));
    t.equal(res.statusCode, 409, `${naam}: 409`);
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
    t.equal(res.json().code, 'BERICHT_ID_HERGEBRUIKT', naam);
    t.notOk(res.headers['idempotent-replayed'], `${naam}: not a replay`);
    const aanb = await ctx.sql.query(
      'SELECT afgewezen_status FROM aanbiedingen WHERE bericht_id = $1 ORDER BY ontvangen_op',
      [berichtId],
    );
    t.same(
      aanb.rows,
      [{ afgewezen_status: null }, { afgewezen_status: 409 }],
      `${naam}: the 409 is recorded`,
    );
    // The current result's content is its history row's (migration 0011).
    const huidig = await ctx.sql.query(
      `SELECT h.resultaat FROM toetsresultaten t JOIN resultaat_revisies h USING (school_id, resultaat_key, revisie)
        WHERE t.resultaat_key = $1`,
      [key],
    );
    t.same(huidig.rows, [{ resultaat: eerst }], `${naam}: nothing of the second body applied`);
    const fouten = await ctx.sql.query('SELECT 1 FROM foutmeldingen WHERE resultaat_key = $1', [key]);
    t.equal(fouten.rowCount, 0, `${naam}: no foutmelding`);
  }
  // The control: the same body again is a replay, so the 409s above are about the changed field alone.
  const eerst = { ...basis, resultaatKey: 'B-0' };
  const res = await lever(ctx, s.auth, aanbieding([eerst], 'bericht-0'));
  t.equal(res.statusCode, 200);
  t.equal(res.headers['idempotent-replayed'], 'true');
});
