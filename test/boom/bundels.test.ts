import { deepStrictEqual } from 'node:assert/strict';
import fc from 'fast-check';
import t from 'tap';
import { ingestSamen } from '../../src/boom/ingest.js';
import type { AppError } from '../../src/errors.js';
import '../helpers/fast-check.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { lever } from '../helpers/boom.js';
import { aanbiedingVan, ingestDb, rijen, statussen, type Uitkomsten, waarde } from '../helpers/bundels.js';
import { aanbieding, maakLeerling, maakSchool, maakToets, resultaat } from '../helpers/fixtures.js';

// Deliveries written together (src/boom/ingest.ts `ingestSamen`: one transaction for a batch) keep
// CONTRACT §2: each delivery gets its own answer, aanbieding and rows, decided as if it had been sent alone
// after the ones before it in the batch. Batches are given to ingestSamen as they are, so nothing here
// depends on timing; test/boom/bundels-ingest.test.ts covers how maakIngest makes the batches.

/** A school with pupil LL-1 (Boom number 4839201, toetsdoel set); the BLVS-SP test exists once. */
async function school(ctx: TestContext, opts: { verwerken?: boolean; naam?: string } = {}) {
  const s = await maakSchool(ctx, opts);
  await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-1', boomLeerlingnummer: '4839201' });
  return s;
}

t.test('several schools in one batch: each delivery its own answer, aanbieding and rows', async (t) => {
  const ctx = await buildTestApp(t);
  await maakToets(ctx);
  const a = await school(ctx, { naam: 'A' });
  // B's pupil has the same Boom number as A's, under another leerlingId: the lookups are per school.
  const b = await maakSchool(ctx, { naam: 'B' });
  await maakLeerling(ctx, b.schoolId, { leerlingId: 'LB-7', boomLeerlingnummer: '4839201' });
  const c = await maakSchool(ctx, { naam: 'C' });

  const leveringen = [
    aanbiedingVan(
      a.schoolId,
      [
        resultaat({ resultaatKey: 'K1' }),
        resultaat({ resultaatKey: 'K2', toetsonderdeel: { code: 'ONBEKEND' } }),
      ],
      'bericht-a',
    ),
    // The same resultaatKey and berichtId at another school: nothing to do with A's.
    aanbiedingVan(
      b.schoolId,
      [resultaat({ resultaatKey: 'K1', referentiescores: [{ code: 'DLE', waarde: '30' }] })],
      'bericht-a',
    ),
    aanbiedingVan(c.schoolId, [resultaat({ resultaatKey: 'K9' })], 'bericht-c'),
  ];
  const uit = await ingestSamen(ingestDb(ctx), leveringen);

  t.equal(uit.length, 3);
  t.same(
    uit.map((u) => waarde(u).herhaald),
    [false, false, false],
  );
  t.same(
    uit.map((u) => waarde(u).antwoord.berichtId),
    ['bericht-a', 'bericht-a', 'bericht-c'],
  );
  t.same(statussen(uit[0]), ['verwerkt', 'fout:TOETSONDERDEEL_NIET_GEVONDEN']);
  t.same(statussen(uit[1]), ['verwerkt']);
  t.same(statussen(uit[2]), ['fout:LEERLING_NIET_GEVONDEN']);
  t.same(
    waarde(uit[0]).antwoord.resultaten.map((r) => r.resultaatKey),
    ['K1', 'K2'],
  );
  const ontvangen = new Set(uit.map((u) => waarde(u).antwoord.ontvangenOp));
  t.equal(ontvangen.size, 1, 'one transaction: one ontvangenOp');

  const aanbiedingen = await rijen(
    ctx,
    `SELECT id, school_id, bericht_id, aantal_resultaten, per_status, antwoord, afgewezen_status,
            bericht IS NOT NULL AS bericht, inhoud_hash IS NOT NULL AS hash
       FROM aanbiedingen ORDER BY bericht_id, aantal_resultaten DESC`,
  );
  const id = new Map<string, string>();
  for (const r of aanbiedingen) id.set(r.school_id, r.id);
  t.same(
    aanbiedingen.map(({ id: _id, ...r }) => r),
    [
      {
        school_id: a.schoolId,
        bericht_id: 'bericht-a',
        aantal_resultaten: 2,
        per_status: { verwerkt: 1, fout: 1 },
        antwoord: waarde(uit[0]).antwoord,
        afgewezen_status: null,
        bericht: true,
        hash: true,
      },
      {
        school_id: b.schoolId,
        bericht_id: 'bericht-a',
        aantal_resultaten: 1,
        per_status: { verwerkt: 1 },
        antwoord: waarde(uit[1]).antwoord,
        afgewezen_status: null,
        bericht: true,
        hash: true,
      },
      {
        school_id: c.schoolId,
        bericht_id: 'bericht-c',
        aantal_resultaten: 1,
        per_status: { fout: 1 },
        antwoord: waarde(uit[2]).antwoord,
        afgewezen_status: null,
        bericht: true,
        hash: true,
      },
    ],
    'one aanbieding per delivery, with its own counts and answer',
  );

  t.same(
    await rijen(
      ctx,
      `SELECT school_id, resultaat_key, leerling_id, revisie, dle::text, aanbieding_id
         FROM toetsresultaten ORDER BY dle`,
    ),
    [
      {
        school_id: a.schoolId,
        resultaat_key: 'K1',
        leerling_id: 'LL-1',
        revisie: 1,
        dle: '22.0',
        aanbieding_id: id.get(a.schoolId),
      },
      {
        school_id: b.schoolId,
        resultaat_key: 'K1',
        leerling_id: 'LB-7',
        revisie: 1,
        dle: '30.0',
        aanbieding_id: id.get(b.schoolId),
      },
    ],
    'current results with the aanbieding they came in',
  );
  t.same(
    await rijen(
      ctx,
      `SELECT school_id, resultaat_key, verwerking, aanbieding_id FROM resultaat_revisies ORDER BY leerling_id`,
    ),
    [
      {
        school_id: b.schoolId,
        resultaat_key: 'K1',
        verwerking: 'toegepast',
        aanbieding_id: id.get(b.schoolId),
      },
      {
        school_id: a.schoolId,
        resultaat_key: 'K1',
        verwerking: 'toegepast',
        aanbieding_id: id.get(a.schoolId),
      },
    ],
  );
  t.same(
    await rijen(
      ctx,
      `SELECT school_id, resultaat_key, code, status, pogingen, aanbieding_id FROM foutmeldingen ORDER BY code`,
    ),
    [
      {
        school_id: c.schoolId,
        resultaat_key: 'K9',
        code: 'LEERLING_NIET_GEVONDEN',
        status: 'open',
        pogingen: 1,
        aanbieding_id: id.get(c.schoolId),
      },
      {
        school_id: a.schoolId,
        resultaat_key: 'K2',
        code: 'TOETSONDERDEEL_NIET_GEVONDEN',
        status: 'open',
        pogingen: 1,
        aanbieding_id: id.get(a.schoolId),
      },
    ],
  );

  // Each school's key replays its own stored answer, byte for byte what ingest answered.
  const replay = await lever(ctx, a.auth, aanbieding(leveringen[0]!.aanbieding.resultaten, 'bericht-a'));
  t.equal(replay.statusCode, 200);
  t.equal(replay.headers['idempotent-replayed'], 'true');
  t.same(replay.json(), waarde(uit[0]).antwoord);
  const replayB = await lever(ctx, b.auth, aanbieding(leveringen[1]!.aanbieding.resultaten, 'bericht-a'));
  t.same(replayB.json(), waarde(uit[1]).antwoord);
});

t.test('one result key in several deliveries of one batch: decided in order', async (t) => {
  const ctx = await buildTestApp(t);
  await maakToets(ctx);
  const s = await school(ctx);
  const dle = (waarde: string) => ({ referentiescores: [{ code: 'DLE', waarde }] });
  const uit = await ingestSamen(ingestDb(ctx), [
    // revisie 1 then 2: both applied, 2 current
    aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: 'OP', revisie: 1 })], 'b1'),
    aanbiedingVan(
      s.schoolId,
      [resultaat({ resultaatKey: 'OP', revisie: 2, reden: 'hernormering', ...dle('25') })],
      'b2',
    ),
    // revisie 2 then 1: 1 is verouderd, kept in the history
    aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: 'AF', revisie: 2, ...dle('31') })], 'b3'),
    aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: 'AF', revisie: 1, ...dle('11') })], 'b4'),
    // the same revisie with the same content: dubbel; with other content: REVISIE_CONFLICT
    aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: 'GL', revisie: 1 })], 'b5'),
    aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: 'GL', revisie: 1 })], 'b6'),
    aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: 'GL', revisie: 1, ...dle('40') })], 'b7'),
    // a withdrawal after the result in the batch
    aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: 'IN', revisie: 1 })], 'b8'),
    aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: 'IN', revisie: 2, reden: 'intrekking' })], 'b9'),
  ]);
  t.same(
    uit.map((u) => statussen(u)[0]),
    [
      'verwerkt',
      'verwerkt',
      'verwerkt',
      'verouderd',
      'verwerkt',
      'dubbel',
      'fout:REVISIE_CONFLICT',
      'verwerkt',
      'verwerkt',
    ],
  );
  const ids = new Map(
    (await rijen(ctx, 'SELECT bericht_id, id FROM aanbiedingen')).map((r) => [r.bericht_id, r.id]),
  );
  t.equal(ids.size, 9, 'nine aanbiedingen');
  t.same(
    await rijen(
      ctx,
      `SELECT r.resultaat_key, r.revisie, r.dle::text, r.ingetrokken, a.bericht_id
         FROM toetsresultaten r JOIN aanbiedingen a ON a.id = r.aanbieding_id ORDER BY r.resultaat_key`,
    ),
    [
      { resultaat_key: 'AF', revisie: 2, dle: '31.0', ingetrokken: false, bericht_id: 'b3' },
      { resultaat_key: 'GL', revisie: 1, dle: '22.0', ingetrokken: false, bericht_id: 'b5' },
      { resultaat_key: 'IN', revisie: 2, dle: '22.0', ingetrokken: true, bericht_id: 'b9' },
      { resultaat_key: 'OP', revisie: 2, dle: '25.0', ingetrokken: false, bericht_id: 'b2' },
    ],
    'the current result of each key is the one the order decides',
  );
  t.same(
    await rijen(
      ctx,
      `SELECT h.resultaat_key, h.revisie, h.verwerking, h.reden, a.bericht_id
         FROM resultaat_revisies h JOIN aanbiedingen a ON a.id = h.aanbieding_id
        ORDER BY h.resultaat_key, h.revisie`,
    ),
    [
      { resultaat_key: 'AF', revisie: 1, verwerking: 'verouderd', reden: 'nieuw', bericht_id: 'b4' },
      { resultaat_key: 'AF', revisie: 2, verwerking: 'toegepast', reden: 'nieuw', bericht_id: 'b3' },
      { resultaat_key: 'GL', revisie: 1, verwerking: 'toegepast', reden: 'nieuw', bericht_id: 'b5' },
      { resultaat_key: 'IN', revisie: 1, verwerking: 'toegepast', reden: 'nieuw', bericht_id: 'b8' },
      { resultaat_key: 'IN', revisie: 2, verwerking: 'toegepast', reden: 'intrekking', bericht_id: 'b9' },
      { resultaat_key: 'OP', revisie: 1, verwerking: 'toegepast', reden: 'nieuw', bericht_id: 'b1' },
      { resultaat_key: 'OP', revisie: 2, verwerking: 'toegepast', reden: 'hernormering', bericht_id: 'b2' },
    ],
    'each revisie once in the history, with the delivery it came in',
  );
  t.same(
    await rijen(
      ctx,
      `SELECT f.resultaat_key, f.code, f.status, f.pogingen, f.resultaat->'referentiescores'->0->>'waarde' AS dle,
              a.bericht_id
         FROM foutmeldingen f JOIN aanbiedingen a ON a.id = f.aanbieding_id`,
    ),
    [
      {
        resultaat_key: 'GL',
        code: 'REVISIE_CONFLICT',
        status: 'open',
        pogingen: 1,
        dle: '40',
        bericht_id: 'b7',
      },
    ],
    'the conflict is recorded with the conflicting content',
  );
  t.same(
    (await rijen(ctx, `SELECT bericht_id, per_status FROM aanbiedingen ORDER BY bericht_id`)).map((r) => [
      r.bericht_id,
      r.per_status,
    ]),
    [
      ['b1', { verwerkt: 1 }],
      ['b2', { verwerkt: 1 }],
      ['b3', { verwerkt: 1 }],
      ['b4', { verouderd: 1 }],
      ['b5', { verwerkt: 1 }],
      ['b6', { dubbel: 1 }],
      ['b7', { fout: 1 }],
      ['b8', { verwerkt: 1 }],
      ['b9', { verwerkt: 1 }],
    ],
  );
});

t.test(
  'a school with BOOM WIJZIGINGEN VERWERKEN off, in a batch: a later revisie is overgeslagen',
  async (t) => {
    const ctx = await buildTestApp(t);
    await maakToets(ctx);
    const uit = await school(ctx, { verwerken: false, naam: 'Uit' });
    const aan = await school(ctx, { naam: 'Aan' });
    const r2 = resultaat({
      revisie: 2,
      reden: 'correctie',
      referentiescores: [{ code: 'DLE', waarde: '9' }],
    });
    const res = await ingestSamen(ingestDb(ctx), [
      aanbiedingVan(uit.schoolId, [resultaat()], 'x1'),
      aanbiedingVan(aan.schoolId, [resultaat()], 'x1'),
      aanbiedingVan(uit.schoolId, [r2], 'x2'),
      aanbiedingVan(aan.schoolId, [r2], 'x2'),
    ]);
    t.same(
      res.map((u) => statussen(u)[0]),
      ['verwerkt', 'verwerkt', 'overgeslagen', 'verwerkt'],
      "each delivery is decided with its own school's setting",
    );
    t.same(
      await rijen(
        ctx,
        `SELECT s.naam, h.revisie, h.verwerking, r.revisie AS huidig
         FROM resultaat_revisies h JOIN scholen s ON s.id = h.school_id
         JOIN toetsresultaten r ON r.school_id = h.school_id AND r.resultaat_key = h.resultaat_key
        ORDER BY s.naam, h.revisie`,
      ),
      [
        { naam: 'Aan', revisie: 1, verwerking: 'toegepast', huidig: 2 },
        { naam: 'Aan', revisie: 2, verwerking: 'toegepast', huidig: 2 },
        { naam: 'Uit', revisie: 1, verwerking: 'toegepast', huidig: 1 },
        { naam: 'Uit', revisie: 2, verwerking: 'overgeslagen', huidig: 1 },
      ],
    );
  },
);

// ---------------------------------------------------------------------------------------------------
// "As if sent one after the other": the same deliveries, one by one to one school and as one batch to
// another, must give the same answers and the same rows.

interface Stand {
  antwoorden: unknown[];
  huidig: unknown[];
  historie: unknown[];
  aanbiedingen: unknown[];
  fouten: unknown[];
}

async function stand(ctx: TestContext, schoolId: string, uitkomsten: Uitkomsten): Promise<Stand> {
  const zonderTijd = (a: unknown) => {
    const { ontvangenOp: _o, ...rest } = a as { ontvangenOp: string };
    return rest;
  };
  return {
    antwoorden: uitkomsten.map((u) =>
      u.status === 'fulfilled'
        ? { ...zonderTijd(u.value.antwoord), herhaald: u.value.herhaald }
        : { afgewezen: (u.reason as AppError).code },
    ),
    huidig: await rijen(
      ctx,
      `SELECT r.resultaat_key, r.revisie, r.reden, r.leerling_id, r.toets_code, r.toetsonderdeel_code,
              r.afnamedatum::text, r.dle::text, r.ingetrokken, r.resultaat, encode(r.inhoud_hash, 'hex') AS hash,
              a.bericht_id
         FROM toetsresultaten r LEFT JOIN aanbiedingen a ON a.id = r.aanbieding_id
        WHERE r.school_id = $1 ORDER BY r.resultaat_key`,
      [schoolId],
    ),
    historie: await rijen(
      ctx,
      `SELECT h.resultaat_key, h.revisie, h.reden, h.verwerking, h.leerling_id, h.resultaat,
              encode(h.inhoud_hash, 'hex') AS hash, a.bericht_id
         FROM resultaat_revisies h LEFT JOIN aanbiedingen a ON a.id = h.aanbieding_id
        WHERE h.school_id = $1 ORDER BY h.resultaat_key, h.revisie`,
      [schoolId],
    ),
    aanbiedingen: await rijen(
      ctx,
      `SELECT bericht_id, aantal_resultaten, per_status, antwoord - 'ontvangenOp' AS antwoord, afgewezen_status,
              bericht, encode(inhoud_hash, 'hex') AS hash
         FROM aanbiedingen WHERE school_id = $1 ORDER BY bericht_id`,
      [schoolId],
    ),
    fouten: await rijen(
      ctx,
      `SELECT f.resultaat_key, f.revisie, f.code, f.status, f.melding, f.boom_leerlingnummer, f.leerling_id,
              f.toets_code, f.toetsonderdeel_code, f.resultaat, f.pogingen, f.opgelost_op IS NOT NULL AS opgelost,
              a.bericht_id
         FROM foutmeldingen f LEFT JOIN aanbiedingen a ON a.id = f.aanbieding_id
        WHERE f.school_id = $1 ORDER BY f.resultaat_key, f.revisie, f.status, f.code`,
      [schoolId],
    ),
  };
}

type Resultaten = unknown[][];

/**
 * Two identical schools; `vooraf` is delivered to both, one by one; then `leveringen` one by one to the
 * first and as one batch to the second. Answers the state of both.
 */
async function eenVoorEenEnSamen(
  ctx: TestContext,
  vooraf: Resultaten,
  leveringen: Resultaten,
  opts: { verwerken?: boolean } = {},
) {
  const scholen: string[] = [];
  for (const naam of ['een-voor-een', 'samen']) {
    const s = await maakSchool(ctx, { naam, ...opts });
    await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-1', boomLeerlingnummer: '111' });
    await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-2', boomLeerlingnummer: '222', toetsdoel: null });
    scholen.push(s.schoolId);
  }
  const [los, samen] = scholen as [string, string];
  for (const schoolId of scholen) {
    for (const [i, r] of vooraf.entries()) {
      waarde((await ingestSamen(ingestDb(ctx), [aanbiedingVan(schoolId, r, `vooraf-${i}`)]))[0]);
    }
  }
  const losUit: Uitkomsten = [];
  for (const [i, r] of leveringen.entries()) {
    losUit.push(...(await ingestSamen(ingestDb(ctx), [aanbiedingVan(los, r, `lev-${i}`)])));
  }
  const samenUit = await ingestSamen(
    ingestDb(ctx),
    leveringen.map((r, i) => aanbiedingVan(samen, r, `lev-${i}`)),
  );
  return { los: await stand(ctx, los, losUit), samen: await stand(ctx, samen, samenUit) };
}

const r = (key: string, revisie: number, o: Record<string, unknown> = {}) =>
  resultaat({
    resultaatKey: key,
    revisie,
    reden: revisie === 1 ? 'nieuw' : 'correctie',
    boomLeerlingnummer: '111',
    ...o,
  });
const dleW = (w: string) => ({ referentiescores: [{ code: 'DLE', waarde: w }] });

// Errors too end as one by one (src/verwerking/foutboek.ts): the same failing revisie in two deliveries of a
// batch is two attempts, and an error answered in one delivery and settled by a later one is recorded, opgelost.
const scenarios: Record<string, { vooraf?: Resultaten; leveringen: Resultaten; verwerken?: boolean }> = {
  'revisies up, down, equal and conflicting': {
    leveringen: [[r('K', 1)], [r('K', 3)], [r('K', 2)], [r('K', 3)], [r('K', 3, dleW('5'))], [r('K', 4)]],
  },
  'on top of stored results and open errors': {
    vooraf: [[r('K', 2), r('L', 1, { boomLeerlingnummer: '999' })], [r('M', 1, dleW('7'))]],
    leveringen: [
      [r('K', 1), r('M', 1, dleW('8'))],
      [r('K', 3), r('L', 2)],
      [r('M', 2, { reden: 'intrekking' })],
    ],
  },
  'the setting off': {
    verwerken: false,
    vooraf: [[r('K', 1)]],
    leveringen: [[r('K', 2)], [r('K', 3)], [r('K', 1)], [r('N', 5)], [r('N', 6)]],
  },
  'lookup errors of every kind, several results per delivery': {
    leveringen: [
      [r('A', 1, { boomLeerlingnummer: '999' }), r('B', 1, { toets: { code: 'XX' } })],
      [r('C', 1, { toetsonderdeel: { code: 'ZZ' } }), r('D', 1, { boomLeerlingnummer: '222' })],
      [r('E', 1), r('E', 2)],
    ],
  },
  'a conflict and then the stored content again': {
    vooraf: [[r('K', 1)]],
    leveringen: [[r('K', 1, dleW('9'))], [r('K', 1)], [r('K', 2)]],
  },
  'the same failing revisie in two deliveries': {
    leveringen: [[r('F', 1, { boomLeerlingnummer: '999' })], [r('F', 1, { boomLeerlingnummer: '999' })]],
  },
  'an open error from before, failing twice in the batch': {
    vooraf: [[r('F', 1, { boomLeerlingnummer: '999' })]],
    leveringen: [[r('F', 1, { boomLeerlingnummer: '999' })], [r('F', 1, { boomLeerlingnummer: '999' })]],
  },
  'a lookup error, then the same revisie gets through': {
    leveringen: [[r('G', 1, { toetsonderdeel: { code: 'ZZ' } })], [r('G', 1)]],
  },
};

for (const [naam, sc] of Object.entries(scenarios)) {
  t.test(`one by one = one batch: ${naam}`, async (t) => {
    const ctx = await buildTestApp(t);
    await maakToets(ctx);
    const { los, samen } = await eenVoorEenEnSamen(ctx, sc.vooraf ?? [], sc.leveringen, {
      verwerken: sc.verwerken ?? true,
    });
    t.same(samen.antwoorden, los.antwoorden, 'the answers');
    t.same(samen.huidig, los.huidig, 'toetsresultaten');
    t.same(samen.historie, los.historie, 'resultaat_revisies');
    t.same(samen.aanbiedingen, los.aanbiedingen, 'aanbiedingen');
    t.same(openFouten(samen.fouten), openFouten(los.fouten), 'the open foutmeldingen');
    t.same(samen.fouten, los.fouten, 'every foutmelding, with its attempts');
  });
}

/** What operators must act on: the open errors, without the count of attempts. */
function openFouten(fouten: unknown[]) {
  return (fouten as Array<{ status: string; pogingen: number }>)
    .filter((f) => f.status === 'open')
    .map(({ pogingen: _p, ...f }) => f);
}

t.test('one by one = one batch, for random deliveries (answers, rows, every foutmelding)', async (t) => {
  const ctx = await buildTestApp(t);
  await maakToets(ctx);
  const inkomend = fc
    .record({
      key: fc.constantFrom('K', 'L'),
      revisie: fc.integer({ min: 1, max: 3 }),
      reden: fc.constantFrom('nieuw', 'correctie', 'hernormering', 'intrekking'),
      dle: fc.constantFrom('20', '21'),
      nummer: fc.constantFrom('111', '111', '111', '222', '999'),
      onderdeel: fc.constantFrom<{ code: string } | null>({ code: 'WOORDEN' }, { code: 'WOORDEN' }, null, {
        code: 'ZZ',
      }),
      toets: fc.constantFrom('BLVS-SP', 'BLVS-SP', 'BLVS-SP', 'XX'),
    })
    .map((i) =>
      r(i.key, i.revisie, {
        reden: i.reden,
        boomLeerlingnummer: i.nummer,
        toetsonderdeel: i.onderdeel,
        toets: { code: i.toets },
        ...dleW(i.dle),
      }),
    );
  const levering = fc.array(inkomend, { minLength: 1, maxLength: 3 });
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(levering, { maxLength: 2 }),
      fc.array(levering, { minLength: 2, maxLength: 5 }),
      fc.boolean(),
      async (vooraf, leveringen, verwerken) => {
        runs++;
        const { los, samen } = await eenVoorEenEnSamen(ctx, vooraf, leveringen, { verwerken });
        deepStrictEqual(samen.antwoorden, los.antwoorden);
        deepStrictEqual(samen.huidig, los.huidig);
        deepStrictEqual(samen.historie, los.historie);
        deepStrictEqual(samen.aanbiedingen, los.aanbiedingen);
        deepStrictEqual(samen.fouten, los.fouten);
      },
    ),
    { numRuns: 25 },
  );
  t.equal(runs, 25);
});

t.test('a batch shares ontvangenOp in its answers, and the operators list it in arrival order', async (t) => {
  const ctx = await buildTestApp(t);
  await maakToets(ctx);
  const s = await school(ctx);
  const uit = await ingestSamen(
    ingestDb(ctx),
    ['eerste', 'tweede', 'derde'].map((id) =>
      aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: id })], id),
    ),
  );
  t.equal(new Set(uit.map((u) => waarde(u).antwoord.ontvangenOp)).size, 1, 'one ontvangenOp');
  const res = await ctx.app.inject({
    method: 'GET',
    url: `/v1/beheer/aanbiedingen?schoolId=${s.schoolId}`,
    headers: ctx.beheer,
  });
  t.equal(res.statusCode, 200);
  const lijst = (res.json() as { items: Array<{ berichtId: string; ontvangenOp: string }> }).items;
  t.same(
    lijst.map((a) => a.berichtId),
    ['derde', 'tweede', 'eerste'],
    'newest first: the last of the batch first',
  );
});
