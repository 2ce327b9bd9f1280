import { randomUUID } from 'node:crypto';
import pg from 'pg';
import t from 'tap';
import { type AanbiedingVanSchool, ingestSamen, STANDAARD_INGEST } from '../../src/boom/ingest.js';
import { AppError, isDatabaseUnavailable } from '../../src/errors.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { lever } from '../helpers/boom.js';
import { aanbiedingVan, ingestDb, metClaims, rijen, statussen, waarde } from '../helpers/bundels.js';
import {
  aanbieding,
  maakLeerling,
  maakSchool,
  maakToets,
  resultaat,
  standaardSchool,
} from '../helpers/fixtures.js';

// maakIngest (src/boom/ingest.ts) around the batches: one berichtId is never twice in a batch and is used
// once; a replay in a batch is answered from the stored response and writes nothing; a batch that fails in
// PostgreSQL is handled again delivery by delivery, so only the delivery at fault fails.
//
// Batches are made without timing: with `parallel: 1`, a first delivery starts alone at once (the Bundelaar
// calls its transaction synchronously), and every delivery offered before it finishes waits for the next
// batch. The claim statements, noted by metClaims, show which deliveries shared a transaction.

async function tel(ctx: TestContext) {
  const [r] = await rijen(
    ctx,
    `SELECT (SELECT count(*)::int FROM aanbiedingen) AS aanbiedingen,
            (SELECT count(*)::int FROM toetsresultaten) AS huidig,
            (SELECT count(*)::int FROM resultaat_revisies) AS revisies,
            (SELECT count(*)::int FROM foutmeldingen) AS fouten`,
  );
  return r;
}

t.test('ingestSamen refuses a batch that holds one berichtId twice, and writes nothing', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  await t.rejects(
    ingestSamen(ingestDb(ctx), [
      aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: 'A' })], 'twee-keer'),
      aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: 'B' })], 'twee-keer'),
    ]),
    /one berichtId twice/,
  );
  t.same(await tel(ctx), { aanbiedingen: 0, huidig: 0, revisies: 0, fouten: 0 });
});

t.test('one berichtId offered twice at once through maakIngest: never in one batch', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const { claims, maakIngestMet } = metClaims(ctx);
  const ingest = maakIngestMet({ parallel: 1, parallelKlein: 1, kleinTot: 50, maxResultaten: 500 });
  const x = aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: 'X' })], 'x');
  const anders = aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: 'X', revisie: 2 })], 'x');
  const y = aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: 'Y' })], 'y');
  const voorop = ingest.aanbieden(aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: 'W' })], 'w'));
  const [eerste, herhaling, hergebruik, ander] = await Promise.allSettled([
    ingest.aanbieden(x),
    ingest.aanbieden(structuredClone(x)),
    ingest.aanbieden(anders),
    ingest.aanbieden(y),
  ]);
  await voorop;
  t.same(claims, [['w'], ['x'], ['x'], ['x', 'y']], 'each x waits for the one before it; y joins the last');

  t.same(statussen(eerste), ['verwerkt']);
  t.equal(waarde(eerste).herhaald, false);
  t.equal(waarde(herhaling).herhaald, true, 'the same body again is a replay');
  t.same(waarde(herhaling).antwoord, waarde(eerste).antwoord, 'answered with the stored response');
  t.equal(hergebruik?.status, 'rejected');
  const reden = (hergebruik as PromiseRejectedResult).reason;
  t.ok(reden instanceof AppError, 'an AppError');
  t.match(reden, { code: 'BERICHT_ID_HERGEBRUIKT', status: 409 });
  t.same(statussen(ander), ['verwerkt'], 'the delivery batched with the 409 is not affected');

  t.same(
    await rijen(ctx, 'SELECT bericht_id, per_status FROM aanbiedingen ORDER BY bericht_id'),
    [
      { bericht_id: 'w', per_status: { verwerkt: 1 } },
      { bericht_id: 'x', per_status: { verwerkt: 1 } },
      { bericht_id: 'y', per_status: { verwerkt: 1 } },
    ],
    'x recorded once (a 409 is recorded by the route, not by ingest)',
  );
  t.same(
    await rijen(ctx, 'SELECT resultaat_key, revisie FROM resultaat_revisies ORDER BY resultaat_key'),
    [
      { resultaat_key: 'W', revisie: 1 },
      { resultaat_key: 'X', revisie: 1 },
      { resultaat_key: 'Y', revisie: 1 },
    ],
    'the reused berichtId applied nothing of its other body',
  );
});

t.test('one berichtId in two batches running side by side: the claim lock decides', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const { claims, maakIngestMet } = metClaims(ctx);
  const ingest = maakIngestMet({ parallel: 2, parallelKlein: 2, kleinTot: 50, maxResultaten: 500 });
  // Both start at once (parallel 2), in transactions of their own.
  const zelfde = aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: 'Z' })], 'z');
  const [a, b] = await Promise.all([ingest.aanbieden(zelfde), ingest.aanbieden(structuredClone(zelfde))]);
  // Two batches; one that finds a lock held by the other waits for it in the school's own lane, with a
  // claim of its own (src/boom/ingest.ts). The try-locks take the result key first, then the berichtId:
  // when each batch gets one of the two, both step back and both wait in the lane, one after the other
  // (four claims). Never fewer than two, never more than four.
  t.ok(claims.length >= 2 && claims.length <= 4, `two batches (${claims.length} claims)`);
  t.ok(
    claims.every((c) => c.length === 1 && c[0] === 'z'),
    'each claim holds z alone',
  );
  t.same([a.herhaald, b.herhaald].sort(), [false, true], 'one handled it, the other waited and replayed');
  t.same(a.antwoord, b.antwoord);

  const eerste = aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: 'V', revisie: 1 })], 'v');
  const tweede = aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: 'V', revisie: 7 })], 'v');
  const uit = await Promise.allSettled([ingest.aanbieden(eerste), ingest.aanbieden(tweede)]);
  const gelukt = uit.filter((u) => u.status === 'fulfilled');
  const mislukt = uit.filter((u) => u.status === 'rejected');
  t.equal(gelukt.length, 1, 'one body is accepted');
  t.equal(mislukt.length, 1, 'the other is a 409');
  t.match((mislukt[0] as PromiseRejectedResult).reason, { code: 'BERICHT_ID_HERGEBRUIKT' });
  const winnaar = uit[0]!.status === 'fulfilled' ? 1 : 7;
  t.same(
    await rijen(ctx, `SELECT revisie FROM resultaat_revisies WHERE resultaat_key = 'V'`),
    [{ revisie: winnaar }],
    'only the accepted body was applied',
  );
  t.same(
    await rijen(
      ctx,
      `SELECT (bericht->'resultaten'->0->>'revisie')::int AS revisie FROM aanbiedingen WHERE bericht_id = 'v'`,
    ),
    [{ revisie: winnaar }],
    'one aanbieding, with the accepted body',
  );
});

t.test('through HTTP: one berichtId, two bodies, sent 20 times at once', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const bodies = [1, 2].map((revisie) => aanbieding([resultaat({ revisie })], 'tegelijk'));
  const responses = await Promise.all(
    Array.from({ length: 20 }, (_, i) => lever(ctx, s.auth, bodies[i % 2])),
  );
  const ok = responses.filter((r) => r.statusCode === 200);
  const conflict = responses.filter((r) => r.statusCode === 409);
  t.equal(ok.length + conflict.length, 20, 'every answer is a 200 or a 409');
  t.equal(ok.length, 10, "the winner's ten copies are answered 200");
  t.equal(ok.filter((r) => r.headers['idempotent-replayed'] !== 'true').length, 1, 'handled once');
  t.equal(new Set(ok.map((r) => r.body)).size, 1, 'all with the same answer');
  const revisie = ok[0]!.json().resultaten[0].revisie;
  t.ok(
    responses.every((r, i) => (r.statusCode === 200) === (i % 2 === revisie - 1)),
    'the 200s are exactly the copies of one body',
  );
  for (const r of conflict) t.match(r.json(), { code: 'BERICHT_ID_HERGEBRUIKT', status: 409 });
  t.same(
    await rijen(
      ctx,
      `SELECT afgewezen_status, count(*)::int AS n FROM aanbiedingen GROUP BY afgewezen_status ORDER BY 1`,
    ),
    [
      { afgewezen_status: 409, n: 10 },
      { afgewezen_status: null, n: 1 },
    ],
    'one accepted aanbieding; each 409 recorded',
  );
  t.same(await rijen(ctx, 'SELECT revisie FROM resultaat_revisies'), [{ revisie }]);
});

// Values zod never lets through, but PostgreSQL refuses in the batch's write statement: a result key over
// the CHECK's 128 characters (toetsresultaten), and a NUL character, which jsonb cannot hold.
const breuken: Record<string, { code: string; breek: (l: AanbiedingVanSchool) => void }> = {
  'a CHECK constraint': {
    code: '23514',
    breek: (l) => {
      l.aanbieding.resultaten[0]!.resultaatKey = 'K'.repeat(200);
    },
  },
  'a NUL character in jsonb': {
    code: '22P05',
    breek: (l) => {
      l.aanbieding.resultaten[0]!.normversie = 'a\u0000b';
    },
  },
};

for (const [naam, breuk] of Object.entries(breuken)) {
  t.test(`a batch that fails in PostgreSQL (${naam}): only the delivery at fault fails`, async (t) => {
    const ctx = await buildTestApp(t);
    const s = await standaardSchool(ctx);
    const ander = await standaardSchool(ctx);
    const maak = () => {
      const slecht = aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: 'S' })], 'slecht');
      breuk.breek(slecht);
      return [
        aanbiedingVan(
          s.schoolId,
          [resultaat({ resultaatKey: 'A' }), resultaat({ resultaatKey: 'A2', boomLeerlingnummer: '1' })],
          'a',
        ),
        slecht,
        aanbiedingVan(ander.schoolId, [resultaat({ resultaatKey: 'C' })], 'c'),
      ];
    };

    // The batch as one transaction: it fails as a whole and leaves nothing behind.
    await t.rejects(ingestSamen(ingestDb(ctx), maak()), { code: breuk.code });
    t.same(await tel(ctx), { aanbiedingen: 0, huidig: 0, revisies: 0, fouten: 0 }, 'all rolled back');

    // Through maakIngest: the batch fails, each delivery is handled again alone.
    const { claims, maakIngestMet } = metClaims(ctx);
    const ingest = maakIngestMet({ parallel: 1, parallelKlein: 1, kleinTot: 50, maxResultaten: 500 });
    const voorop = ingest.aanbieden(aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: 'W' })], 'w'));
    const [a, slecht, c] = await Promise.allSettled(maak().map((l) => ingest.aanbieden(l)));
    await voorop;
    t.same(
      claims,
      [['w'], ['a', 'slecht', 'c'], ['a'], ['slecht'], ['c']],
      'one batch of three, then each alone',
    );
    t.same(statussen(a), ['verwerkt', 'fout:LEERLING_NIET_GEVONDEN']);
    t.same(statussen(c), ['verwerkt']);
    t.equal(slecht?.status, 'rejected', 'the delivery at fault fails');
    t.match((slecht as PromiseRejectedResult).reason, { code: breuk.code });
    t.notOk((slecht as PromiseRejectedResult).reason instanceof AppError, 'its own database error');

    const aanbiedingen = await rijen(
      ctx,
      'SELECT id, school_id, bericht_id, per_status FROM aanbiedingen ORDER BY bericht_id',
    );
    t.same(
      aanbiedingen.map(({ id: _i, ...r }) => r),
      [
        { school_id: s.schoolId, bericht_id: 'a', per_status: { verwerkt: 1, fout: 1 } },
        { school_id: ander.schoolId, bericht_id: 'c', per_status: { verwerkt: 1 } },
        { school_id: s.schoolId, bericht_id: 'w', per_status: { verwerkt: 1 } },
      ],
      'no aanbieding for the failed delivery',
    );
    const id = new Map(aanbiedingen.map((r) => [r.bericht_id, r.id]));
    t.same(
      await rijen(ctx, 'SELECT resultaat_key, aanbieding_id FROM toetsresultaten ORDER BY resultaat_key'),
      [
        { resultaat_key: 'A', aanbieding_id: id.get('a') },
        { resultaat_key: 'C', aanbieding_id: id.get('c') },
        { resultaat_key: 'W', aanbieding_id: id.get('w') },
      ],
    );
    t.same(await rijen(ctx, 'SELECT resultaat_key, aanbieding_id FROM foutmeldingen'), [
      { resultaat_key: 'A2', aanbieding_id: id.get('a') },
    ]);
    t.same(await tel(ctx), { aanbiedingen: 3, huidig: 3, revisies: 3, fouten: 1 });

    // Nothing was acknowledged for it: its berichtId is unused, and the corrected delivery is accepted.
    const opnieuw = await ingest.aanbieden(
      aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: 'S' })], 'slecht'),
    );
    t.same(statussen(opnieuw), ['verwerkt']);
    t.equal(opnieuw.herhaald, false);
  });
}

t.test('a replay in a batch with new deliveries: the stored answer, and nothing written', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const eerder = aanbiedingVan(
    s.schoolId,
    [resultaat({ resultaatKey: 'K' }), resultaat({ resultaatKey: 'F', boomLeerlingnummer: '999' })],
    'eerder',
  );
  const [eerst] = await ingestSamen(ingestDb(ctx), [eerder]);
  const voor = await rijen(
    ctx,
    `SELECT a.id, a.ontvangen_op, a.antwoord, a.per_status,
            (SELECT json_agg(f ORDER BY f.id) FROM foutmeldingen f) AS fouten,
            (SELECT json_agg(h ORDER BY h.resultaat_key, h.revisie) FROM resultaat_revisies h) AS historie
       FROM aanbiedingen a WHERE a.bericht_id = 'eerder'`,
  );

  const { claims, maakIngestMet } = metClaims(ctx);
  const ingest = maakIngestMet({ parallel: 1, parallelKlein: 1, kleinTot: 50, maxResultaten: 500 });
  const voorop = ingest.aanbieden(aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: 'W' })], 'w'));
  const [nieuw1, herhaling, hergebruik, nieuw2] = await Promise.allSettled([
    // K revisie 2 before the replay of revisie 1 in the same batch: the replay must not touch K.
    ingest.aanbieden(
      aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: 'K', revisie: 2, reden: 'correctie' })], 'n1'),
    ),
    ingest.aanbieden(structuredClone(eerder)),
    ingest.aanbieden(aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: 'ANDERS' })], 'eerder')),
    ingest.aanbieden(
      aanbiedingVan(
        s.schoolId,
        [resultaat({ resultaatKey: 'F', boomLeerlingnummer: '999', revisie: 2 })],
        'n2',
      ),
    ),
  ]);
  await voorop;
  t.same(claims[1], ['n1', 'eerder'], 'the replay shares a batch with a new delivery');

  t.same(statussen(nieuw1), ['verwerkt']);
  t.same(statussen(nieuw2), ['fout:LEERLING_NIET_GEVONDEN']);
  t.equal(waarde(herhaling).herhaald, true);
  t.same(waarde(herhaling).antwoord, waarde(eerst).antwoord, 'the stored answer, its ontvangenOp included');
  t.match((hergebruik as PromiseRejectedResult).reason, { code: 'BERICHT_ID_HERGEBRUIKT' });

  const na = await rijen(
    ctx,
    `SELECT a.id, a.ontvangen_op, a.antwoord, a.per_status,
            (SELECT json_agg(f ORDER BY f.id) FROM foutmeldingen f WHERE f.resultaat_key = 'F' AND f.revisie = 1) AS fouten,
            (SELECT json_agg(h ORDER BY h.resultaat_key, h.revisie) FROM resultaat_revisies h
              WHERE (h.resultaat_key, h.revisie) = ('K', 1)) AS historie
       FROM aanbiedingen a WHERE a.bericht_id = 'eerder'`,
  );
  t.same(na, voor, 'the earlier aanbieding, its error (attempts too) and its history are as they were');
  t.same(
    await rijen(ctx, `SELECT resultaat_key, revisie FROM toetsresultaten ORDER BY resultaat_key`),
    [
      { resultaat_key: 'K', revisie: 2 },
      { resultaat_key: 'W', revisie: 1 },
    ],
    'the replay did not put revisie 1 back',
  );
  t.same(
    await rijen(ctx, 'SELECT bericht_id FROM aanbiedingen ORDER BY bericht_id'),
    [{ bericht_id: 'eerder' }, { bericht_id: 'n1' }, { bericht_id: 'n2' }, { bericht_id: 'w' }],
    'no new aanbieding for the replay or the 409',
  );

  // A batch of replays only: answered, nothing written.
  const alleen = await ingestSamen(ingestDb(ctx), [structuredClone(eerder)]);
  t.equal(waarde(alleen[0]).herhaald, true);
  t.same(await rijen(ctx, 'SELECT count(*)::int AS n FROM aanbiedingen'), [{ n: 4 }]);
});

t.test(
  'through HTTP: many deliveries of several schools at once, each answered and stored as its own',
  async (t) => {
    const ctx = await buildTestApp(t);
    await maakToets(ctx);
    const scholen = [];
    for (let i = 0; i < 4; i++) {
      const s = await maakSchool(ctx, { naam: `School ${i}` });
      await maakLeerling(ctx, s.schoolId, { leerlingId: `LL-${i}`, boomLeerlingnummer: '4839201' });
      scholen.push(s);
    }
    // Per school: 6 deliveries, each with a result of its own and a shared key whose revisie is the delivery's.
    const verzoeken = scholen.flatMap((s, i) =>
      Array.from({ length: 6 }, (_, n) => ({
        s,
        i,
        n,
        body: aanbieding(
          [
            resultaat({
              resultaatKey: `EIGEN-${n}`,
              referentiescores: [{ code: 'DLE', waarde: String(i * 10 + n) }],
            }),
            resultaat({ resultaatKey: 'GEDEELD', revisie: n + 1, reden: n === 0 ? 'nieuw' : 'correctie' }),
            resultaat({ resultaatKey: `ONBEKEND-${n}`, boomLeerlingnummer: '1' }),
          ],
          `s${i}-n${n}-${randomUUID()}`,
        ),
      })),
    );
    const responses = await Promise.all(verzoeken.map((v) => lever(ctx, v.s.auth, v.body)));
    for (const [k, res] of responses.entries()) {
      const v = verzoeken[k]!;
      t.equal(res.statusCode, 200);
      const body = res.json();
      t.equal(body.berichtId, v.body.berichtId, 'its own answer');
      const [eigen, gedeeld, onbekend] = body.resultaten;
      t.same([eigen.resultaatKey, eigen.status], [`EIGEN-${v.n}`, 'verwerkt']);
      t.same([gedeeld.resultaatKey, gedeeld.revisie], ['GEDEELD', v.n + 1]);
      t.ok(['verwerkt', 'verouderd'].includes(gedeeld.status), 'a shared key: verwerkt or verouderd');
      t.same([onbekend.resultaatKey, onbekend.status], [`ONBEKEND-${v.n}`, 'fout']);
    }
    const aanbiedingen = await rijen(
      ctx,
      'SELECT id, school_id, bericht_id, antwoord, aantal_resultaten FROM aanbiedingen WHERE afgewezen_status IS NULL',
    );
    t.equal(aanbiedingen.length, 24, 'one aanbieding per delivery');
    const perBericht = new Map(aanbiedingen.map((a) => [a.bericht_id, a]));
    for (const [k, res] of responses.entries()) {
      const v = verzoeken[k]!;
      const a = perBericht.get(v.body.berichtId);
      t.equal(a?.school_id, v.s.schoolId, 'under its own school');
      t.same(a?.antwoord, res.json(), 'with the answer it got');
    }
    const eigen = await rijen(
      ctx,
      `SELECT r.school_id, r.resultaat_key, r.dle::text, r.leerling_id, a.bericht_id, a.school_id AS a_school
       FROM toetsresultaten r JOIN aanbiedingen a ON a.id = r.aanbieding_id WHERE r.resultaat_key LIKE 'EIGEN-%'`,
    );
    t.equal(eigen.length, 24);
    for (const r of eigen) {
      const i = scholen.findIndex((s) => s.schoolId === r.school_id);
      const n = Number(r.resultaat_key.slice('EIGEN-'.length));
      t.equal(r.a_school, r.school_id, 'stored with an aanbieding of its own school');
      t.match(r.bericht_id, new RegExp(`^s${i}-n${n}-`), 'the delivery it came in');
      t.equal(r.dle, `${i * 10 + n}.0`);
      t.equal(r.leerling_id, `LL-${i}`);
    }
    t.same(
      await rijen(
        ctx,
        `SELECT count(*)::int AS n, min(revisie) AS laagste FROM toetsresultaten WHERE resultaat_key = 'GEDEELD'`,
      ),
      [{ n: 4, laagste: 6 }],
      'per school the highest revisie is current',
    );
    // Each verwerkt answer of the shared key is an applied revisie in the history, each verouderd one is not.
    const gedeeld = responses.map((r) => r.json().resultaten[1].status);
    t.same(
      await rijen(
        ctx,
        `SELECT count(*) FILTER (WHERE verwerking = 'toegepast')::int AS toegepast,
              count(*) FILTER (WHERE verwerking = 'verouderd')::int AS verouderd
         FROM resultaat_revisies WHERE resultaat_key = 'GEDEELD'`,
      ),
      [
        {
          toegepast: gedeeld.filter((st) => st === 'verwerkt').length,
          verouderd: gedeeld.filter((st) => st === 'verouderd').length,
        },
      ],
    );
    t.same(
      await rijen(ctx, `SELECT count(*)::int AS n FROM resultaat_revisies WHERE resultaat_key = 'GEDEELD'`),
      [{ n: 24 }],
      'every revisie in the history once',
    );
    t.same(
      await rijen(
        ctx,
        `SELECT count(*)::int AS n, max(pogingen) AS p FROM foutmeldingen WHERE status = 'open'`,
      ),
      [{ n: 24, p: 1 }],
    );
  },
);

t.test(
  'small and larger deliveries go in lanes of their own: a larger one never waits behind small ones',
  async (t) => {
    const ctx = await buildTestApp(t);
    const s = await standaardSchool(ctx);
    // The small lane is kept busy: a's claim is held back until the larger delivery is answered. Were the
    // larger one queued behind a, neither would finish (the test would time out).
    let grootKlaar: Promise<unknown> | undefined;
    const { claims, maakIngestMet } = metClaims(ctx, (ids) => (ids.includes('a') ? grootKlaar : undefined));
    // Small: fewer than 2 results, one batch at a time; larger: their own lane.
    const ingest = maakIngestMet({ parallel: 1, parallelKlein: 1, kleinTot: 2, maxResultaten: 500 });
    const klein = (id: string) => aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: id })], id);
    const groot = aanbiedingVan(
      s.schoolId,
      [resultaat({ resultaatKey: 'G1' }), resultaat({ resultaatKey: 'G2' })],
      'groot',
    );
    const a = ingest.aanbieden(klein('a'));
    const b = ingest.aanbieden(klein('b'));
    const g = ingest.aanbieden(groot);
    grootKlaar = g.catch(() => {});
    const c = ingest.aanbieden(klein('c'));
    const uit = await Promise.all([a, b, g, c]);
    t.same(
      uit.map((u) => u.antwoord.resultaten.map((r) => r.status)),
      [['verwerkt'], ['verwerkt'], ['verwerkt', 'verwerkt'], ['verwerkt']],
    );
    // a starts alone; b and c (offered while a runs) form the next small batch; groot started at once in its
    // own lane, in no batch with a small delivery, and was done before a's batch went on.
    t.same(
      claims.slice(0, 2).sort(),
      [['a'], ['groot']],
      'a and groot started at once, each in its own lane',
    );
    t.same(claims.slice(2), [['b', 'c']], 'b and c waited for a, together');
  },
);

t.test('a batch that fails on its deadline is not retried one delivery at a time', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const { claims, maakIngestMet } = metClaims(ctx);
  const ingest = maakIngestMet({ ...STANDAARD_INGEST, parallelKlein: 1, antwoordtijdMs: 1500 });
  const houder = new pg.Client({ connectionString: ctx.url });
  await houder.connect();
  t.teardown(() => houder.end());
  await houder.query('BEGIN');
  await houder.query('LOCK TABLE aanbiedingen IN ACCESS EXCLUSIVE MODE');
  // d0 starts alone at once; d1 and d2 wait for it and then share a batch, whose deadline is d1's. d2 has
  // time left after it: retried alone, it would claim again (and wait on the lock again).
  const nu = performance.now();
  const bied = (id: string, ms: number) =>
    ingest.aanbieden({
      ...aanbiedingVan(s.schoolId, [resultaat({ resultaatKey: id })], id),
      uiterlijk: nu + ms,
    });
  const uit = await Promise.allSettled([bied('d0', 1000), bied('d1', 2000), bied('d2', 4000)]);
  await houder.query('ROLLBACK');
  t.same(
    uit.map((u) => u.status),
    ['rejected', 'rejected', 'rejected'],
  );
  for (const u of uit) t.ok(isDatabaseUnavailable((u as PromiseRejectedResult).reason), 'a 503');
  t.same(claims, [['d0'], ['d1', 'd2']], 'one claim per batch, none for a delivery alone after it');
  t.same(await tel(ctx), { aanbiedingen: 0, huidig: 0, revisies: 0, fouten: 0 });
});
