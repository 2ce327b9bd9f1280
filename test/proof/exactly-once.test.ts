import { deepStrictEqual } from 'node:assert/strict';
import fc from 'fast-check';
import t from 'tap';
import '../helpers/fast-check.js';
import { buildTestApp } from '../helpers/app.js';
import { lever } from '../helpers/boom.js';
import {
  aanbieding,
  maakLeerling,
  maakSchool,
  maakToets,
  resultaat,
  standaardSchool,
} from '../helpers/fixtures.js';

// Issue 4: every delivery is handled exactly once, whatever arrives at the same moment or in which order.
// The defences: the claim of (school, berichtId) (an advisory lock; the unique index is the guarantee) and the
// per-resultaatKey advisory lock.

function shuffle<T>(items: T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

t.test('50 simultaneous identical deliveries: handled once, 49 answered as replays', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-2', boomLeerlingnummer: '4839202' });
  const body = aanbieding(
    [
      resultaat({ resultaatKey: 'K-1' }),
      resultaat({ resultaatKey: 'K-2', boomLeerlingnummer: '4839202' }),
      resultaat({ resultaatKey: 'K-3', boomLeerlingnummer: '999999' }),
    ],
    'gelijktijdig-1',
  );
  const responses = await Promise.all(Array.from({ length: 50 }, () => lever(ctx, s.auth, body)));

  t.same(
    responses.map((r) => r.statusCode),
    Array(50).fill(200),
  );
  const replayed = responses.filter((r) => r.headers['idempotent-replayed'] === 'true');
  t.equal(replayed.length, 49, 'all but one are replays');
  t.equal(new Set(responses.map((r) => r.body)).size, 1, 'every answer is byte-identical to the first');
  t.same(
    responses[0]?.json().resultaten.map((r: { status: string }) => r.status),
    ['verwerkt', 'verwerkt', 'fout'],
  );

  const aanbiedingen = await ctx.sql.query(
    'SELECT afgewezen_status FROM aanbiedingen WHERE bericht_id = $1',
    ['gelijktijdig-1'],
  );
  t.same(aanbiedingen.rows, [{ afgewezen_status: null }], 'one aanbieding');
  const tellen = await ctx.sql.query(`SELECT
      (SELECT count(*)::int FROM toetsresultaten) AS huidig,
      (SELECT count(*)::int FROM resultaat_revisies) AS revisies,
      (SELECT count(*)::int FROM foutmeldingen) AS fouten,
      (SELECT max(pogingen) FROM foutmeldingen) AS pogingen`);
  t.same(tellen.rows, [{ huidig: 2, revisies: 2, fouten: 1, pogingen: 1 }], 'rows written once');
});

t.test('40 revisies of one result, delivered at once in random order: the highest wins', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx, { verwerken: true });
  const volgorde = shuffle(Array.from({ length: 40 }, (_, i) => i + 1));
  t.comment(`order: ${volgorde.join(',')}`);
  const responses = await Promise.all(
    volgorde.map((revisie) =>
      lever(
        ctx,
        s.auth,
        aanbieding(
          [
            resultaat({
              revisie,
              reden: revisie === 1 ? 'nieuw' : 'correctie',
              referentiescores: [{ code: 'DLE', waarde: String(revisie) }],
            }),
          ],
          `rev-${revisie}`,
        ),
      ),
    ),
  );
  const statussen = responses.map((r) => {
    t.equal(r.statusCode, 200);
    return r.json().resultaten[0].status as string;
  });
  t.ok(
    statussen.every((st) => st === 'verwerkt' || st === 'verouderd'),
    'each verwerkt or verouderd',
  );

  const huidig = await ctx.sql.query('SELECT revisie, dle::text FROM toetsresultaten');
  t.same(huidig.rows, [{ revisie: 40, dle: '40.0' }], 'revisie 40 is current');
  const historie = await ctx.sql.query('SELECT revisie, verwerking FROM resultaat_revisies ORDER BY revisie');
  t.same(
    historie.rows.map((r) => r.revisie),
    Array.from({ length: 40 }, (_, i) => i + 1),
    'all 40 in the history',
  );
  t.equal(historie.rows.at(-1)?.verwerking, 'toegepast');
  const toegepast = historie.rows.filter((r) => r.verwerking === 'toegepast').length;
  t.equal(toegepast, statussen.filter((st) => st === 'verwerkt').length, 'each verwerkt answer is applied');
});

// ---------------------------------------------------------------------------------------------------
// A small independent model of the CONTRACT §2 table, and random sequences checked against it.

type Reden = 'nieuw' | 'hernormering' | 'correctie' | 'intrekking';
interface Inkomend {
  key: string;
  revisie: number;
  reden: Reden;
  variant: number;
  onbekend: boolean;
}
type Stap =
  | { soort: 'levering'; resultaten: Inkomend[] }
  | { soort: 'instelling'; aan: boolean }
  | { soort: 'herhaal' };
interface Uitkomst {
  resultaatKey: string;
  revisie: number;
  status: string;
  code?: string;
}

class Model {
  aan = true;
  huidig = new Map<string, Inkomend>();
  historie = new Map<string, { reden: Reden; verwerking: string }>();
  /** Open errors by `key|revisie` (one per revisie, with its latest code), as stored after each delivery. */
  open = new Map<string, string>();
  // Within one delivery: errors still to be written, and the revisies that got through.
  private teSchrijven = new Map<string, string>();
  private doorgekomen = new Set<string>();

  private bewaar(r: Inkomend, verwerking: string) {
    const k = `${r.key}|${r.revisie}`;
    const eerder = this.historie.get(k);
    if (!eerder || (verwerking === 'toegepast' && eerder.verwerking !== 'toegepast'))
      this.historie.set(k, { reden: r.reden, verwerking });
  }

  private fout(r: Inkomend, code: string): Uitkomst {
    this.teSchrijven.set(`${r.key}|${r.revisie}`, code);
    return { resultaatKey: r.key, revisie: r.revisie, status: 'fout', code };
  }

  private status(r: Inkomend): string {
    const h = this.huidig.get(r.key);
    if (!h) {
      this.huidig.set(r.key, r);
      this.bewaar(r, 'toegepast');
      return 'verwerkt';
    }
    if (r.revisie === h.revisie)
      return h.reden === r.reden && h.variant === r.variant ? 'dubbel' : 'conflict';
    if (r.revisie < h.revisie) {
      this.bewaar(r, 'verouderd');
      return 'verouderd';
    }
    if (this.aan) {
      this.huidig.set(r.key, r);
      this.bewaar(r, 'toegepast');
      return 'verwerkt';
    }
    this.bewaar(r, 'overgeslagen');
    return 'overgeslagen';
  }

  private verwerk(r: Inkomend): Uitkomst {
    if (r.onbekend) return this.fout(r, 'LEERLING_NIET_GEVONDEN');
    const status = this.status(r);
    if (status === 'conflict') return this.fout(r, 'REVISIE_CONFLICT');
    // A revisie that got through settles its lookup error, but never a conflict (CONTRACT §2, §3).
    const k = `${r.key}|${r.revisie}`;
    this.doorgekomen.add(k);
    if (this.teSchrijven.get(k) !== 'REVISIE_CONFLICT') this.teSchrijven.delete(k);
    return { resultaatKey: r.key, revisie: r.revisie, status };
  }

  /** One delivery, in order; then the stored errors are settled and the new ones written (one per revisie). */
  lever(resultaten: Inkomend[]): Uitkomst[] {
    const uitkomsten = resultaten.map((r) => this.verwerk(r));
    for (const k of this.doorgekomen) if (this.open.get(k) !== 'REVISIE_CONFLICT') this.open.delete(k);
    for (const [k, code] of this.teSchrijven) this.open.set(k, code);
    this.doorgekomen.clear();
    this.teSchrijven.clear();
    return uitkomsten;
  }
}

const inkomend: fc.Arbitrary<Inkomend> = fc.record({
  key: fc.constantFrom('K1', 'K2', 'K3'),
  revisie: fc.integer({ min: 1, max: 5 }),
  reden: fc.constantFrom<Reden>('nieuw', 'hernormering', 'correctie', 'intrekking'),
  variant: fc.integer({ min: 0, max: 1 }),
  onbekend: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
});
// Sometimes a delivery opens with another content of its first result's revisie: a conflict and the stored
// content (dubbel) in one batch.
const levering: fc.Arbitrary<Stap> = fc
  .tuple(fc.array(inkomend, { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 3 }))
  .map(([resultaten, n]) => {
    const eerste = resultaten[0] as Inkomend;
    const voor = n === 0 ? [{ ...eerste, variant: 1 - eerste.variant }] : [];
    return { soort: 'levering' as const, resultaten: [...voor, ...resultaten] };
  });
const stap: fc.Arbitrary<Stap> = fc.oneof(
  { weight: 6, arbitrary: levering },
  { weight: 2, arbitrary: fc.boolean().map((aan) => ({ soort: 'instelling' as const, aan })) },
  { weight: 1, arbitrary: fc.constant({ soort: 'herhaal' as const }) },
);

const r = (key: string, revisie: number, reden: Reden, variant: number): Inkomend => ({
  key,
  revisie,
  reden,
  variant,
  onbekend: false,
});
/** Fixed examples, run before the random ones. First: a conflict and a dubbel of one revisie in one batch. */
const voorbeelden: Stap[][] = [
  [
    { soort: 'levering', resultaten: [r('K1', 1, 'nieuw', 0)] },
    { soort: 'levering', resultaten: [r('K1', 1, 'nieuw', 1), r('K1', 1, 'nieuw', 0)] },
  ],
  [
    { soort: 'instelling', aan: false },
    { soort: 'levering', resultaten: [r('K1', 1, 'nieuw', 0), r('K1', 3, 'intrekking', 0)] },
    { soort: 'instelling', aan: true },
    { soort: 'levering', resultaten: [r('K1', 3, 'intrekking', 0), r('K1', 2, 'correctie', 1)] },
    { soort: 'herhaal' },
  ],
  // Found by fast-check: an open conflict takes the code of a later lookup error of its revisie (one open
  // error per revisie), which a delivery that gets through then settles.
  [
    { soort: 'levering', resultaten: [r('K2', 1, 'nieuw', 1), r('K2', 1, 'nieuw', 0)] },
    { soort: 'levering', resultaten: [r('K2', 2, 'nieuw', 1)] },
    {
      soort: 'levering',
      resultaten: [{ ...r('K2', 1, 'correctie', 1), onbekend: true }, r('K2', 1, 'intrekking', 0)],
    },
  ],
];

function gesorteerd<T>(rows: T[], key: (r: T) => string): T[] {
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function alsResultaat(r: Inkomend) {
  return resultaat({
    resultaatKey: r.key,
    revisie: r.revisie,
    reden: r.reden,
    boomLeerlingnummer: r.onbekend ? '000000' : '4839201',
    referentiescores: [{ code: 'DLE', waarde: String(10 + r.variant) }],
  });
}

/** Cases per run of the property: about half a second each on this machine's two cores. */
const RUNS = 20;

t.test('random sequences of deliveries follow the §2 table (property)', async (t) => {
  const ctx = await buildTestApp(t);
  await maakToets(ctx);
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(stap, { minLength: 1, maxLength: 12 }), async (stappen) => {
      run++;
      const s = await maakSchool(ctx, { verwerken: true });
      await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-1', boomLeerlingnummer: '4839201' });
      const model = new Model();
      let vorige: { body: unknown; antwoord: string } | undefined;
      for (const [i, st] of stappen.entries()) {
        if (st.soort === 'instelling') {
          await ctx.sql.query('UPDATE scholen SET boom_wijzigingen_verwerken = $1 WHERE id = $2', [
            st.aan,
            s.schoolId,
          ]);
          model.aan = st.aan;
          continue;
        }
        if (st.soort === 'herhaal') {
          if (!vorige) continue;
          const res = await lever(ctx, s.auth, vorige.body);
          if (res.statusCode !== 200 || res.headers['idempotent-replayed'] !== 'true')
            throw new Error(`replay ${i}: ${res.statusCode} ${res.headers['idempotent-replayed']}`);
          if (res.body !== vorige.antwoord) throw new Error(`replay ${i}: another body`);
          continue;
        }
        const body = aanbieding(st.resultaten.map(alsResultaat), `run-${run}-${i}`);
        const res = await lever(ctx, s.auth, body);
        if (res.statusCode !== 200) throw new Error(`delivery ${i}: ${res.statusCode} ${res.body}`);
        const gekregen = res.json().resultaten.map((u: { fout?: { code: string } } & Uitkomst) => {
          const { fout, ...rest } = u;
          return fout ? { ...rest, code: fout.code } : rest;
        });
        const verwacht = model.lever(st.resultaten);
        deepStrictEqual(gekregen, verwacht, `delivery ${i} of run ${run}`);
        vorige = { body, antwoord: res.body };
      }

      const huidig = await ctx.sql.query(
        `SELECT resultaat_key, revisie, reden, ingetrokken, dle::text FROM toetsresultaten WHERE school_id = $1`,
        [s.schoolId],
      );
      deepStrictEqual(
        gesorteerd(huidig.rows, (r) => r.resultaat_key),
        gesorteerd(
          [...model.huidig.values()].map((r) => ({
            resultaat_key: r.key,
            revisie: r.revisie,
            reden: r.reden,
            ingetrokken: r.reden === 'intrekking',
            dle: `${10 + r.variant}.0`,
          })),
          (r) => r.resultaat_key,
        ),
        `current results, run ${run}`,
      );
      const historie = await ctx.sql.query(
        `SELECT resultaat_key || '|' || revisie AS k, reden, verwerking FROM resultaat_revisies WHERE school_id = $1`,
        [s.schoolId],
      );
      deepStrictEqual(
        gesorteerd(historie.rows, (r) => r.k),
        gesorteerd(
          [...model.historie.entries()].map(([k, v]) => ({ k, ...v })),
          (r) => r.k,
        ),
        `history, run ${run}`,
      );
      const open = await ctx.sql.query(
        `SELECT resultaat_key || '|' || revisie AS k, code FROM foutmeldingen
          WHERE school_id = $1 AND status = 'open'`,
        [s.schoolId],
      );
      deepStrictEqual(
        gesorteerd(open.rows, (r) => r.k),
        gesorteerd(
          [...model.open.entries()].map(([k, code]) => ({ k, code })),
          (r) => r.k,
        ),
        `open errors, run ${run}`,
      );
    }),
    { numRuns: RUNS, examples: voorbeelden.map((v) => [v]) },
  );
  // No time limit cuts the property short: every case ran (fast-check counts the examples in numRuns).
  t.equal(run, RUNS, `${run} runs matched the model`);
});
