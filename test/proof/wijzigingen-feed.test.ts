import { deepStrictEqual, notDeepStrictEqual } from 'node:assert/strict';
import fc from 'fast-check';
import pg from 'pg';
import t from 'tap';
import '../helpers/fast-check.js';
import { zetGrens } from '../../src/wijzigingen/grens.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { leverResultaten } from '../helpers/boom.js';
import { maakLeerling, maakSchool, maakToets, resultaat } from '../helpers/fixtures.js';

// Issue 16, the proof: while deliveries (several at once, so they share batches), operators' retries and
// fixes run, a reader polls the feed as docs/database.md says (the service's bound moved between polls,
// then `wijzigingen_leesbaar WHERE positie > :laatste ORDER BY positie`). Replaying what it read, in the
// order it read it, must pass through every change exactly once, each one starting from the state the
// one before left (an order consistent with the commits), and end where the tables are. The same run read
// by the naive `bijgewerkt_op > :last` poll ends elsewhere: a change held open in a transaction while later
// ones commit is never seen by it.

type Op =
  | { soort: 'levering'; items: Array<{ key: string; revisie: number; reden: string; nummer: string }> }
  | { soort: 'fix'; nummer: string | null }
  | { soort: 'opnieuw' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      soort: fc.constant('levering' as const),
      items: fc.array(
        fc.record({
          key: fc.constantFrom('K1', 'K2', 'K3', 'K4', 'K5', 'K6'),
          revisie: fc.integer({ min: 1, max: 4 }),
          reden: fc.constantFrom('nieuw', 'correctie', 'hernormering', 'intrekking'),
          nummer: fc.constantFrom('n1', 'n2', 'n3', 'n3', 'nX'),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ soort: fc.constant('fix' as const), nummer: fc.constantFrom('n3', null) }),
  },
  { weight: 1, arbitrary: fc.constant({ soort: 'opnieuw' as const }) },
);

interface Rij {
  positie: number;
  soort: string;
  actie: string;
  school_id: string;
  resultaat_key: string;
  revisie: number | null;
  revisie_was: number | null;
  leerling_id: string | null;
  leerling_id_was: string | null;
  ingetrokken: boolean | null;
  ingetrokken_was: boolean | null;
  verwerking: string | null;
  verwerking_was: string | null;
  fout_id: string | null;
  code: string | null;
  code_was: string | null;
  status: string | null;
  status_was: string | null;
}

/** The reader of docs/database.md: it stores only its last positie. */
class FeedLezer {
  laatste = 0;
  gelezen: Rij[] = [];
  constructor(private ctx: TestContext) {}
  async lees(): Promise<number> {
    await zetGrens(this.ctx.db); // the service's timer
    const { rows } = await this.ctx.sql.query(
      `SELECT positie::int, soort, actie, school_id, resultaat_key, revisie, revisie_was, leerling_id, leerling_id_was,
              ingetrokken, ingetrokken_was, verwerking, verwerking_was, fout_id, code, code_was, status, status_was
         FROM wijzigingen_leesbaar WHERE positie > $1 ORDER BY positie LIMIT 40`,
      [this.laatste],
    );
    this.gelezen.push(...rows);
    this.laatste = rows.at(-1)?.positie ?? this.laatste;
    return rows.length;
  }
}

/** The naive reader of the issue: current results changed since the latest bijgewerkt_op it saw. */
class TijdLezer {
  laatste = '-infinity';
  gezien = new Map<string, { revisie: number; ingetrokken: boolean; leerling: string }>();
  constructor(
    private ctx: TestContext,
    private schoolId: string,
  ) {}
  async lees(): Promise<void> {
    const { rows } = await this.ctx.sql.query(
      `SELECT resultaat_key, revisie, ingetrokken, leerling_id, bijgewerkt_op::text AS t FROM toetsresultaten
        WHERE school_id = $1 AND bijgewerkt_op > $2::timestamptz ORDER BY bijgewerkt_op`,
      [this.schoolId, this.laatste],
    );
    for (const r of rows) {
      this.gezien.set(r.resultaat_key, {
        revisie: r.revisie,
        ingetrokken: r.ingetrokken,
        leerling: r.leerling_id,
      });
      this.laatste = r.t;
    }
  }
}

/** Replays the feed rows of one school; every problem found, or none. */
function speelAf(rijen: Rij[]) {
  const problemen: string[] = [];
  const resultaten = new Map<string, { revisie: number; ingetrokken: boolean; leerling: string }>();
  const revisies = new Map<string, string>();
  const fouten = new Map<string, { status: string; code: string }>();
  let vorige = 0;
  for (const r of rijen) {
    if (r.positie <= vorige) problemen.push(`positie ${r.positie} after ${vorige}`);
    vorige = r.positie;
    if (r.soort === 'toetsresultaat') {
      const was = resultaten.get(r.resultaat_key);
      if (r.actie === 'nieuw' && was) problemen.push(`${r.positie}: ${r.resultaat_key} new twice`);
      if (r.actie === 'gewijzigd') {
        const verwacht = {
          revisie: r.revisie_was,
          ingetrokken: r.ingetrokken_was,
          leerling: r.leerling_id_was,
        };
        if (JSON.stringify(was) !== JSON.stringify(verwacht))
          problemen.push(
            `${r.positie}: ${r.resultaat_key} was ${JSON.stringify(was)}, the row says ${JSON.stringify(verwacht)}`,
          );
      }
      resultaten.set(r.resultaat_key, {
        revisie: r.revisie as number,
        ingetrokken: r.ingetrokken as boolean,
        leerling: r.leerling_id as string,
      });
    } else if (r.soort === 'revisie') {
      const k = `${r.resultaat_key}@${r.revisie}`;
      if (r.actie === 'nieuw' && revisies.has(k)) problemen.push(`${r.positie}: revisie ${k} new twice`);
      if (r.actie === 'gewijzigd' && revisies.get(k) !== r.verwerking_was)
        problemen.push(`${r.positie}: revisie ${k} was ${revisies.get(k)}, the row says ${r.verwerking_was}`);
      revisies.set(k, r.verwerking as string);
    } else {
      const id = r.fout_id as string;
      const was = fouten.get(id);
      if (r.actie === 'nieuw' && was) problemen.push(`${r.positie}: foutmelding new twice`);
      if (
        r.actie === 'gewijzigd' &&
        JSON.stringify(was) !== JSON.stringify({ status: r.status_was, code: r.code_was })
      )
        problemen.push(
          `${r.positie}: foutmelding was ${JSON.stringify(was)}, the row says ${r.status_was}/${r.code_was}`,
        );
      fouten.set(id, { status: r.status as string, code: r.code as string });
    }
  }
  return { problemen, resultaten, revisies, fouten };
}

async function tabellen(ctx: TestContext, schoolId: string) {
  const q = async (text: string) => (await ctx.sql.query(text, [schoolId])).rows;
  return {
    resultaten: new Map(
      (
        await q(
          'SELECT resultaat_key, revisie, ingetrokken, leerling_id FROM toetsresultaten WHERE school_id = $1',
        )
      ).map((r) => [
        r.resultaat_key,
        { revisie: r.revisie, ingetrokken: r.ingetrokken, leerling: r.leerling_id },
      ]),
    ),
    revisies: new Map(
      (await q('SELECT resultaat_key, revisie, verwerking FROM resultaat_revisies WHERE school_id = $1')).map(
        (r) => [`${r.resultaat_key}@${r.revisie}`, r.verwerking],
      ),
    ),
    fouten: new Map(
      (await q('SELECT id, status, code FROM foutmeldingen WHERE school_id = $1')).map((r) => [
        r.id,
        { status: r.status, code: r.code },
      ]),
    ),
  };
}

const sorteer = <V>(m: Map<string, V>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b));

t.test(
  'a reader of the feed sees every change exactly once, in commit order; the bijgewerkt_op poll misses one',
  async (t) => {
    const ctx = await buildTestApp(t, { DB_POOL_MAX: '6' });
    await maakToets(ctx);
    const feed = new FeedLezer(ctx);
    let runs = 0;

    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 10, maxLength: 24 }), async (ops) => {
        runs++;
        const s = await maakSchool(ctx, { naam: `School ${runs}` });
        await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-1', boomLeerlingnummer: 'n1' });
        await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-2', boomLeerlingnummer: 'n2' });
        await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-3' });
        const leverItems = async (
          items: Array<{ key: string; revisie: number; reden: string; nummer: string }>,
        ) => {
          await leverResultaten(
            ctx,
            s.auth,
            items.map((i) =>
              resultaat({
                resultaatKey: i.key,
                revisie: i.revisie,
                reden: i.reden,
                boomLeerlingnummer: i.nummer,
              }),
            ),
          );
        };
        const beheer = async (method: 'PUT' | 'POST', url: string, payload: object) => {
          const res = await ctx.app.inject({ method, url: `/v1/beheer${url}`, headers: ctx.beheer, payload });
          if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
        };
        const voer = (op: Op) =>
          op.soort === 'levering'
            ? leverItems(op.items)
            : op.soort === 'fix'
              ? beheer('PUT', `/scholen/${s.schoolId}/leerlingen/LL-3`, { boomLeerlingnummer: op.nummer })
              : beheer('POST', '/fouten/opnieuw', { schoolId: s.schoolId });

        await leverItems([{ key: 'KH', revisie: 1, reden: 'nieuw', nummer: 'n1' }]);
        const tijd = new TijdLezer(ctx, s.schoolId);
        await tijd.lees();

        // Another writer holds a change of KH open (its bijgewerkt_op is its start) while later ones commit.
        const h = new pg.Client({ connectionString: ctx.url });
        await h.connect();
        await h.query('BEGIN');
        await h.query(
          `UPDATE toetsresultaten SET revisie = 9, reden = 'correctie', inhoud_hash = '\\x09', bijgewerkt_op = now()
          WHERE school_id = $1 AND resultaat_key = 'KH'`,
          [s.schoolId],
        );
        await leverItems([{ key: 'KZ', revisie: 1, reden: 'nieuw', nummer: 'n1' }]);

        let klaar = false;
        const lezers = (async () => {
          while (!klaar) {
            await feed.lees();
            await tijd.lees();
            await new Promise((r) => setTimeout(r, 5));
          }
        })();
        // Four lanes at once, each one op after the other: deliveries of a lane meet the others' in batches.
        const banen = [0, 1, 2, 3].map((b) => ops.filter((_, i) => i % 4 === b));
        let holdOpen = true;
        await Promise.all(
          banen.map(async (baan, b) => {
            for (const op of baan) await voer(op);
            if (b === 0 && holdOpen) {
              holdOpen = false;
              await tijd.lees();
              await h.query('COMMIT');
            }
          }),
        );
        if (holdOpen) await h.query('COMMIT');
        await h.end();
        klaar = true;
        await lezers;
        await tijd.lees();
        // Drain: everything has committed, so the feed reaches its end.
        const { rows: eind } = await ctx.sql.query('SELECT max(positie)::int AS p FROM wijzigingen');
        for (let i = 0; feed.laatste < eind[0].p; i++) {
          if (i > 1000) throw new Error('the feed did not reach its end');
          if ((await feed.lees()) === 0) await new Promise((r) => setTimeout(r, 10));
        }

        const eigen = feed.gelezen.filter((r) => r.school_id === s.schoolId);
        const { rows: alle } = await ctx.sql.query(
          'SELECT positie::int FROM wijzigingen WHERE school_id = $1 ORDER BY positie',
          [s.schoolId],
        );
        const afgespeeld = speelAf(eigen);
        const echt = await tabellen(ctx, s.schoolId);
        deepStrictEqual(afgespeeld.problemen, []);
        deepStrictEqual(
          eigen.map((r) => r.positie),
          alle.map((r) => r.positie),
          'every row once, in order',
        );
        deepStrictEqual(sorteer(afgespeeld.resultaten), sorteer(echt.resultaten), 'current results');
        deepStrictEqual(sorteer(afgespeeld.revisies), sorteer(echt.revisies), 'revisies');
        deepStrictEqual(sorteer(afgespeeld.fouten), sorteer(echt.fouten), 'foutmeldingen');
        // The naive poll, the same check: it ends with KH at revisie 1, the table has 9.
        deepStrictEqual(tijd.gezien.get('KH')?.revisie, 1, 'the bijgewerkt_op poll missed the late commit');
        deepStrictEqual(echt.resultaten.get('KH')?.revisie, 9);
        notDeepStrictEqual(sorteer(tijd.gezien), sorteer(echt.resultaten));
      }),
      // No shrinking: each run takes seconds; the counterexample is printed as it failed.
      { numRuns: 4, endOnFailure: true },
    );
    t.equal(runs, 4);
    t.ok(feed.gelezen.length > 0);
  },
);
