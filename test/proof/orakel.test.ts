import { deepStrictEqual } from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import t from 'tap';
import '../helpers/fast-check.js';
import { buildTestApp } from '../helpers/app.js';
import { lever } from '../helpers/boom.js';
import { beheer } from '../helpers/fixtures.js';

// Issue 17: an independent oracle for CONTRACT §2's handling table (and §3's errors and their healing).
// `Contract` below is a small model written from the contract's text alone: it imports nothing of src/
// (not the decision, not the content hash, not the error bookkeeping), and compares content with node's
// isDeepStrictEqual. A property drives the real service (app.inject on PostgreSQL) and the model with the
// same random steps — deliveries (revisies up, down and equal, same or other content, intrekking, unknown
// pupil, toets or onderdeel, no toetsdoel), replays, the school's setting, and the fixes that heal errors —
// and compares every answer, then the rows: current results, revisies and foutmeldingen.
//
// Where the contract leaves room, the model follows the service's documented choices (docs/database.md,
// docs/ARCHITECTURE.md): one open foutmelding per (resultaatKey, revisie), counting attempts and keeping the
// latest content and code; a revisie that gets through resolves its open lookup error at the end of the
// delivery, but never a REVISIE_CONFLICT unless that one itself was retried; a revisie's history row is
// written once and only ever upgraded to `toegepast`; errors handled again go in order of revisie.

type Reden = 'nieuw' | 'hernormering' | 'correctie' | 'intrekking';
type Code =
  | 'LEERLING_NIET_GEVONDEN'
  | 'TOETS_NIET_GEVONDEN'
  | 'TOETSONDERDEEL_NIET_GEVONDEN'
  | 'GEEN_TOETSDOEL'
  | 'REVISIE_CONFLICT';

interface Resultaat {
  resultaatKey: string;
  revisie: number;
  reden: Reden;
  boomLeerlingnummer: string;
  toets: { code: string; versie: string };
  toetsonderdeel: { code: string } | null;
  afnamedatum: string;
  referentiescores: Array<{ code: string; waarde: string }>;
}

interface Uitkomst {
  resultaatKey: string;
  revisie: number;
  status: string;
  code?: Code;
}

interface Fout {
  seq: number;
  k: string;
  code: Code;
  status: 'open' | 'opgelost';
  pogingen: number;
  resultaat: Resultaat;
  leerlingId: string | null;
}

const DOEL = 'PO-midden';

/** CONTRACT §2 and §3 for one school, from the text. */
class Contract {
  aan = true;
  /** Boom number → pupil. */
  leerlingen = new Map<string, { leerlingId: string; toetsdoel: string | null }>();
  /** The catalogue: toets code → its onderdelen. */
  catalogus = new Map<string, Set<string>>();
  huidig = new Map<string, { resultaat: Resultaat; leerlingId: string; ingetrokken: boolean }>();
  historie = new Map<string, { reden: Reden; verwerking: 'toegepast' | 'verouderd' | 'overgeslagen' }>();
  fouten: Fout[] = [];
  private seq = 0;
  // One delivery (or one fix's retries): errors to record, and the revisies that got through.
  private teSchrijven = new Map<string, { code: Code; resultaat: Resultaat; leerlingId: string | null }>();
  private doorgekomen = new Map<string, Fout | undefined>();

  /** Steps 1–4 of "How one result is handled", in order; the first that fails decides. */
  private behandel(r: Resultaat): { status: string; code?: Code; leerlingId: string | null } {
    const leerling = this.leerlingen.get(r.boomLeerlingnummer);
    if (!leerling) return { status: 'fout', code: 'LEERLING_NIET_GEVONDEN', leerlingId: null };
    const { leerlingId } = leerling;
    const onderdelen = this.catalogus.get(r.toets.code);
    if (!onderdelen) return { status: 'fout', code: 'TOETS_NIET_GEVONDEN', leerlingId };
    if (r.toetsonderdeel !== null && !onderdelen.has(r.toetsonderdeel.code))
      return { status: 'fout', code: 'TOETSONDERDEEL_NIET_GEVONDEN', leerlingId };
    if (leerling.toetsdoel === null) return { status: 'fout', code: 'GEEN_TOETSDOEL', leerlingId };

    const k = `${r.resultaatKey}|${r.revisie}`;
    const opgeslagen = this.huidig.get(r.resultaatKey);
    const wordtHuidig = () => {
      this.huidig.set(r.resultaatKey, { resultaat: r, leerlingId, ingetrokken: r.reden === 'intrekking' });
      this.historie.set(k, { reden: r.reden, verwerking: 'toegepast' });
      return { status: 'verwerkt', leerlingId };
    };
    const bewaar = (verwerking: 'verouderd' | 'overgeslagen') => {
      if (!this.historie.has(k)) this.historie.set(k, { reden: r.reden, verwerking });
    };
    if (!opgeslagen) return wordtHuidig();
    const { revisie } = opgeslagen.resultaat;
    if (r.revisie === revisie)
      return isDeepStrictEqual(opgeslagen.resultaat, r)
        ? { status: 'dubbel', leerlingId }
        : { status: 'fout', code: 'REVISIE_CONFLICT', leerlingId };
    if (r.revisie < revisie) {
      bewaar('verouderd');
      return { status: 'verouderd', leerlingId };
    }
    if (this.aan) return wordtHuidig();
    bewaar('overgeslagen');
    return { status: 'overgeslagen', leerlingId };
  }

  private verwerk(r: Resultaat, opnieuw?: Fout): Uitkomst {
    const k = `${r.resultaatKey}|${r.revisie}`;
    const u = this.behandel(r);
    if (u.code) {
      this.teSchrijven.set(k, { code: u.code, resultaat: r, leerlingId: u.leerlingId });
      return { resultaatKey: r.resultaatKey, revisie: r.revisie, status: 'fout', code: u.code };
    }
    this.doorgekomen.set(k, opnieuw ?? this.doorgekomen.get(k));
    if (this.teSchrijven.get(k)?.code !== 'REVISIE_CONFLICT') this.teSchrijven.delete(k);
    return { resultaatKey: r.resultaatKey, revisie: r.revisie, status: u.status };
  }

  private open(k: string): Fout | undefined {
    return this.fouten.find((f) => f.k === k && f.status === 'open');
  }

  private sluit(): void {
    for (const [k, opnieuw] of this.doorgekomen) {
      const f = this.open(k);
      if (!f) continue;
      if (opnieuw === f) f.pogingen++;
      if (opnieuw === f || f.code !== 'REVISIE_CONFLICT') f.status = 'opgelost';
    }
    for (const [k, n] of this.teSchrijven) {
      const f = this.open(k);
      if (f)
        Object.assign(f, {
          code: n.code,
          resultaat: n.resultaat,
          leerlingId: n.leerlingId,
          pogingen: f.pogingen + 1,
        });
      else this.fouten.push({ seq: this.seq++, k, status: 'open', pogingen: 1, ...n });
    }
    this.teSchrijven.clear();
    this.doorgekomen.clear();
  }

  lever(resultaten: Resultaat[]): Uitkomst[] {
    const uit = resultaten.map((r) => this.verwerk(r));
    this.sluit();
    return uit;
  }

  /** The open errors that match, handled again in order of revisie; answers the outcomes. */
  herverwerk(past: (f: Fout) => boolean): Uitkomst[] {
    const te = this.fouten
      .filter((f) => f.status === 'open' && past(f))
      .sort((a, b) => a.resultaat.revisie - b.resultaat.revisie || a.seq - b.seq);
    const uit = te.map((f) => this.verwerk(f.resultaat, f));
    this.sluit();
    return uit;
  }
}

// ---------------------------------------------------------------------------------------------------
// The random steps.

type Nummer = 'N1' | 'N2' | 'N3' | 'N4';
interface Inkomend {
  key: 'K1' | 'K2' | 'K3';
  revisie: number;
  reden: Reden;
  /** 0: the base content; 1: another DLE; 2: another toets.versie; 3: another afnamedatum. */
  variant: number;
  nummer: Nummer;
  toets: 'A' | 'X';
  onderdeel: 'O1' | 'O2' | null;
}
/** A result sent earlier in the run (`index` modulo their number) again: the same, or changed. */
interface Echo {
  index: number;
  wijziging: 'zelfde' | 'inhoud' | 'hoger' | 'lager' | 'intrekking';
}
type Stap =
  | { soort: 'levering'; resultaten: Array<Inkomend | Echo> }
  | { soort: 'herhaal' }
  | { soort: 'instelling'; aan: boolean }
  | { soort: 'nummer' }
  | { soort: 'toetsdoel' }
  | { soort: 'toets' }
  | { soort: 'onderdeel' }
  | { soort: 'opnieuw' };

// N1: a pupil with a toetsdoel; N2: a pupil without one (until the fix `toetsdoel`); N3: nobody's until the
// fix `nummer` enters it for a pupil with a toetsdoel; N4: nobody's ever.
const NUMMERS: Record<Nummer, string> = { N1: '100001', N2: '100002', N3: '100003', N4: '100004' };

const inkomend: fc.Arbitrary<Inkomend> = fc.record({
  key: fc.constantFrom('K1', 'K2', 'K3'),
  revisie: fc.integer({ min: 1, max: 4 }),
  reden: fc.constantFrom<Reden>('nieuw', 'hernormering', 'correctie', 'intrekking'),
  variant: fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 3 }) },
  ),
  nummer: fc.oneof(
    { weight: 6, arbitrary: fc.constant<Nummer>('N1') },
    { weight: 1, arbitrary: fc.constantFrom<Nummer>('N2', 'N3', 'N4') },
  ),
  toets: fc.oneof(
    { weight: 6, arbitrary: fc.constant<'A'>('A') },
    { weight: 1, arbitrary: fc.constant<'X'>('X') },
  ),
  onderdeel: fc.oneof(
    { weight: 4, arbitrary: fc.constant<'O1'>('O1') },
    { weight: 1, arbitrary: fc.constantFrom<'O2' | null>('O2', null) },
  ),
});

const echo: fc.Arbitrary<Echo> = fc.record({
  index: fc.nat({ max: 20 }),
  wijziging: fc.constantFrom<Echo['wijziging']>('zelfde', 'zelfde', 'inhoud', 'hoger', 'lager', 'intrekking'),
});

const stap: fc.Arbitrary<Stap> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc
      .array(fc.oneof(inkomend, echo), { minLength: 1, maxLength: 4 })
      .map((resultaten) => ({ soort: 'levering' as const, resultaten })),
  },
  { weight: 1, arbitrary: fc.constant({ soort: 'herhaal' as const }) },
  { weight: 2, arbitrary: fc.boolean().map((aan) => ({ soort: 'instelling' as const, aan })) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<Stap>(
      { soort: 'nummer' },
      { soort: 'toetsdoel' },
      { soort: 'toets' },
      { soort: 'onderdeel' },
      { soort: 'opnieuw' },
    ),
  },
);

const r = (o: Partial<Inkomend> = {}): Inkomend => ({
  key: 'K1',
  revisie: 1,
  reden: 'nieuw',
  variant: 0,
  nummer: 'N1',
  toets: 'A',
  onderdeel: 'O1',
  ...o,
});
const L = (...resultaten: Array<Inkomend | Echo>): Stap => ({ soort: 'levering', resultaten });
/** Fixed examples, run first (fast-check counts them in numRuns): every row of the table and every fix. */
const voorbeelden: Stap[][] = [
  [
    L(r()),
    L(r(), r({ variant: 2 }), r({ key: 'K2', revisie: 3 })),
    { soort: 'instelling', aan: false },
    L(
      r({ revisie: 2, reden: 'intrekking' }),
      r({ key: 'K2', revisie: 2 }),
      r({ key: 'K2', revisie: 4, reden: 'correctie' }),
    ),
    { soort: 'instelling', aan: true },
    L(r({ revisie: 2, reden: 'intrekking' }), r({ variant: 1 })),
    { soort: 'herhaal' },
    { soort: 'opnieuw' },
  ],
  [
    L(
      r({ nummer: 'N3' }),
      r({ key: 'K2', nummer: 'N2' }),
      r({ key: 'K3', toets: 'X' }),
      r({ revisie: 2, onderdeel: 'O2' }),
    ),
    // Several lookups failing at once: the first in the contract's order decides.
    L(
      r({ key: 'K3', toets: 'X', onderdeel: 'O2' }),
      r({ key: 'K2', revisie: 2, nummer: 'N4', toets: 'X' }),
      r({ key: 'K2', revisie: 3, nummer: 'N2', onderdeel: 'O2' }),
      r({ key: 'K2', revisie: 4, nummer: 'N2', toets: 'X' }),
    ),
    { soort: 'nummer' },
    { soort: 'toetsdoel' },
    { soort: 'toets' },
    { soort: 'onderdeel' },
    { soort: 'opnieuw' },
  ],
  // Errors handled again go in order of revisie, not of age: revisie 1 then 2, both verwerkt.
  [L(r({ revisie: 2, nummer: 'N3' })), L(r({ revisie: 1, nummer: 'N3' })), { soort: 'nummer' }],
];

/** Cases per run (examples included); ORAKEL_RUNS=<n> for a longer soak. About a second each on two cores. */
const RUNS = Number(process.env.ORAKEL_RUNS ?? 24);
const STAPPEN = 10;

// ---------------------------------------------------------------------------------------------------
// The service's side.

/** JSON with the keys of every object sorted: the same text for a jsonb column and the model's object. */
function kanoniek(v: unknown): string {
  return JSON.stringify(v, (_, w) =>
    w && typeof w === 'object' && !Array.isArray(w)
      ? Object.fromEntries(Object.entries(w).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : w,
  );
}

const gesorteerd = <T>(rows: T[], sleutel: (r: T) => string) =>
  [...rows].sort((a, b) => (sleutel(a) < sleutel(b) ? -1 : sleutel(a) > sleutel(b) ? 1 : 0));
const zonderNul = (o: Record<string, number>) =>
  Object.fromEntries(Object.entries(o).filter(([, n]) => n > 0));
const telStatussen = (uit: Uitkomst[]) => {
  const n: Record<string, number> = {};
  for (const u of uit) n[u.status] = (n[u.status] ?? 0) + 1;
  return n;
};

t.test('the service follows an independent model of CONTRACT §2 and §3 (property)', async (t) => {
  const ctx = await buildTestApp(t);
  let run = 0;
  const gezien = new Map<string, number>();

  await fc.assert(
    fc.asyncProperty(fc.array(stap, { minLength: 3, maxLength: STAPPEN }), async (stappen) => {
      run++;
      // Each run its own school and its own toets codes (the catalogue is shared by all schools).
      const A = `R${run}-A`;
      const X = `R${run}-X`;
      const school = await beheer(ctx, 'POST', '/scholen', { naam: `School ${run}` });
      const schoolId: string = school.id;
      const { autorisatiesleutel } = await beheer(ctx, 'POST', `/scholen/${schoolId}/koppeling`);
      const auth = { authorization: `Bearer ${autorisatiesleutel}` };
      await beheer(ctx, 'PUT', `/toetsen/${A}`, {
        naam: A,
        vak: 'spelling',
        onderdelen: [{ code: 'O1', naam: 'o1' }],
      });
      const leerling = (id: string, velden: Record<string, unknown>) =>
        beheer(ctx, 'PUT', `/scholen/${schoolId}/leerlingen/${id}`, velden);
      await leerling('P1', { boomLeerlingnummer: NUMMERS.N1, fase: 'F2', toetsdoel: DOEL });
      await leerling('P2', { boomLeerlingnummer: NUMMERS.N2, fase: 'F2', toetsdoel: null });
      await leerling('P3', { boomLeerlingnummer: null, fase: 'F2', toetsdoel: DOEL });

      const m = new Contract();
      m.leerlingen.set(NUMMERS.N1, { leerlingId: 'P1', toetsdoel: DOEL });
      m.leerlingen.set(NUMMERS.N2, { leerlingId: 'P2', toetsdoel: null });
      m.catalogus.set(A, new Set(['O1']));

      const alsResultaat = (i: Inkomend): Resultaat => ({
        resultaatKey: i.key,
        revisie: i.revisie,
        reden: i.reden,
        boomLeerlingnummer: NUMMERS[i.nummer],
        toets: { code: i.toets === 'A' ? A : X, versie: i.variant === 2 ? 'B' : 'A' },
        toetsonderdeel: i.onderdeel === null ? null : { code: i.onderdeel },
        afnamedatum: i.variant === 3 ? '2025-11-20' : '2026-02-03',
        referentiescores: [{ code: 'DLE', waarde: i.variant === 1 ? '31.5' : '30' }],
      });

      const verstuurd: Inkomend[] = [];
      const los = (e: Echo): Inkomend => {
        const eerder = verstuurd[e.index % Math.max(verstuurd.length, 1)];
        if (!eerder)
          return {
            key: 'K1',
            revisie: 1,
            reden: 'nieuw',
            variant: 0,
            nummer: 'N1',
            toets: 'A',
            onderdeel: 'O1',
          };
        switch (e.wijziging) {
          case 'zelfde':
            return eerder;
          case 'inhoud':
            return { ...eerder, variant: (eerder.variant + 1) % 4 };
          case 'hoger':
            return { ...eerder, revisie: eerder.revisie + 1, reden: 'correctie' };
          case 'lager':
            return { ...eerder, revisie: Math.max(1, eerder.revisie - 1) };
          case 'intrekking':
            return { ...eerder, revisie: eerder.revisie + 1, reden: 'intrekking' };
        }
      };
      let vorige: { body: object; antwoord: string } | undefined;
      for (const [i, st] of stappen.entries()) {
        const waar = `run ${run}, step ${i} (${st.soort})`;
        gezien.set(st.soort, (gezien.get(st.soort) ?? 0) + 1);
        switch (st.soort) {
          case 'levering': {
            const inkomende = st.resultaten.map((r) => ('index' in r ? los(r) : r));
            verstuurd.push(...inkomende);
            const resultaten = inkomende.map(alsResultaat);
            const body = { berichtId: `r${run}-${i}`, verzondenOp: '2026-02-04T10:15:22Z', resultaten };
            const res = await lever(ctx, auth, body);
            if (res.statusCode !== 200) throw new Error(`${waar}: ${res.statusCode} ${res.body}`);
            const gekregen = res.json().resultaten.map((u: Uitkomst & { fout?: { code: Code } }) => {
              const { fout, ...rest } = u;
              return fout ? { ...rest, code: fout.code } : rest;
            });
            const verwacht = m.lever(resultaten);
            for (const u of verwacht)
              gezien.set(u.code ?? u.status, (gezien.get(u.code ?? u.status) ?? 0) + 1);
            deepStrictEqual(gekregen, verwacht, waar);
            vorige = { body, antwoord: res.body };
            break;
          }
          case 'herhaal': {
            if (!vorige) break;
            const res = await lever(ctx, auth, vorige.body);
            deepStrictEqual(
              [res.statusCode, res.headers['idempotent-replayed'], res.body],
              [200, 'true', vorige.antwoord],
              waar,
            );
            break;
          }
          case 'instelling':
            await beheer(ctx, 'PATCH', `/scholen/${schoolId}`, { boomWijzigingenVerwerken: st.aan });
            m.aan = st.aan;
            break;
          case 'nummer': {
            // Stap 3: N3 entered for P3; heals LEERLING_NIET_GEVONDEN of that number.
            const res = await leerling('P3', { boomLeerlingnummer: NUMMERS.N3 });
            m.leerlingen.set(NUMMERS.N3, { leerlingId: 'P3', toetsdoel: DOEL });
            const uit = m.herverwerk(
              (f) => f.code === 'LEERLING_NIET_GEVONDEN' && f.resultaat.boomLeerlingnummer === NUMMERS.N3,
            );
            deepStrictEqual(res.geheeld, uit.filter((u) => u.status !== 'fout').length, `${waar}: geheeld`);
            break;
          }
          case 'toetsdoel': {
            const res = await leerling('P2', { toetsdoel: DOEL });
            const p2 = m.leerlingen.get(NUMMERS.N2);
            if (p2) p2.toetsdoel = DOEL;
            const uit = m.herverwerk((f) => f.code === 'GEEN_TOETSDOEL' && f.leerlingId === 'P2');
            deepStrictEqual(res.geheeld, uit.filter((u) => u.status !== 'fout').length, `${waar}: geheeld`);
            break;
          }
          case 'toets':
          case 'onderdeel': {
            // The catalogue: toets X added (with O1), or O2 added to toets A.
            const [code, onderdelen] = st.soort === 'toets' ? [X, ['O1']] : [A, ['O1', 'O2']];
            const res = await beheer(ctx, 'PUT', `/toetsen/${code}`, {
              naam: code,
              vak: 'spelling',
              onderdelen: onderdelen.map((o) => ({ code: o, naam: o })),
            });
            m.catalogus.set(code, new Set(onderdelen));
            const uit = m.herverwerk(
              (f) =>
                f.resultaat.toets.code === code &&
                (f.code === 'TOETS_NIET_GEVONDEN' ||
                  (f.code === 'TOETSONDERDEEL_NIET_GEVONDEN' &&
                    onderdelen.includes(f.resultaat.toetsonderdeel?.code ?? ''))),
            );
            deepStrictEqual(res.geheeld, uit.filter((u) => u.status !== 'fout').length, `${waar}: geheeld`);
            break;
          }
          case 'opnieuw': {
            const res = await beheer(ctx, 'POST', '/fouten/opnieuw', { schoolId });
            const uit = m.herverwerk(() => true);
            deepStrictEqual(zonderNul(res.perStatus), telStatussen(uit), `${waar}: perStatus`);
            break;
          }
        }
      }

      // The rows, compared with the model.
      const huidig = await ctx.sql.query(
        // The content of the current revisie is kept in its history row (migration 0011).
        `SELECT t.resultaat_key, t.revisie, t.reden, t.leerling_id, t.ingetrokken, t.toets_code, t.dle::text, h.resultaat
           FROM toetsresultaten t JOIN resultaat_revisies h USING (school_id, resultaat_key, revisie)
          WHERE t.school_id = $1`,
        [schoolId],
      );
      deepStrictEqual(
        gesorteerd(huidig.rows, (r) => r.resultaat_key),
        gesorteerd(
          [...m.huidig.values()].map((h) => ({
            resultaat_key: h.resultaat.resultaatKey,
            revisie: h.resultaat.revisie,
            reden: h.resultaat.reden,
            leerling_id: h.leerlingId,
            ingetrokken: h.ingetrokken,
            toets_code: h.resultaat.toets.code,
            dle: Number(h.resultaat.referentiescores[0]?.waarde).toFixed(1),
            resultaat: h.resultaat,
          })),
          (r) => r.resultaat_key,
        ),
        `current results, run ${run}`,
      );
      const historie = await ctx.sql.query(
        `SELECT resultaat_key || '|' || revisie AS k, reden, verwerking FROM resultaat_revisies WHERE school_id = $1`,
        [schoolId],
      );
      deepStrictEqual(
        gesorteerd(historie.rows, (r) => r.k),
        gesorteerd(
          [...m.historie.entries()].map(([k, v]) => ({ k, ...v })),
          (r) => r.k,
        ),
        `history, run ${run}`,
      );
      const fouten = await ctx.sql.query(
        `SELECT resultaat_key || '|' || revisie AS k, code, status, pogingen, leerling_id, resultaat
           FROM foutmeldingen WHERE school_id = $1`,
        [schoolId],
      );
      // Two errors of one key and revisie may agree on all of k, status, code and pogingen (two results of
      // one delivery with the same key): the rest of the row orders them, the same way on both sides.
      const sleutel = (f: {
        k: string;
        status: string;
        code: string;
        pogingen: number;
        leerling_id: string | null;
        resultaat: unknown;
      }) => `${f.k} ${f.status} ${f.code} ${f.pogingen} ${f.leerling_id} ${kanoniek(f.resultaat)}`;
      deepStrictEqual(
        gesorteerd(fouten.rows, sleutel),
        gesorteerd(
          m.fouten.map((f) => ({
            k: f.k,
            code: f.code,
            status: f.status,
            pogingen: f.pogingen,
            leerling_id: f.leerlingId,
            resultaat: f.resultaat,
          })),
          sleutel,
        ),
        `foutmeldingen, run ${run}`,
      );
    }),
    { numRuns: RUNS, examples: voorbeelden.map((v) => [v]) },
  );
  t.equal(run, RUNS, `${run} runs matched the model`);
  t.comment(`steps and outcomes seen: ${JSON.stringify(Object.fromEntries([...gezien].sort()))}`);
  // The random steps reach every row of the table and every code (over the runs together).
  for (const soort of [
    'verwerkt',
    'dubbel',
    'verouderd',
    'overgeslagen',
    'REVISIE_CONFLICT',
    'LEERLING_NIET_GEVONDEN',
  ])
    t.ok((gezien.get(soort) ?? 0) > 0, `reached: ${soort}`);
});
