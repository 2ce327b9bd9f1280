import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs } from 'kysely';
import t from 'tap';
import { maakSleutelzoeker } from '../../src/boom/auth.js';
import { hashSleutel } from '../../src/sleutels.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { lever } from '../helpers/boom.js';
import { rijen } from '../helpers/bundels.js';
import { aanbieding, maakSchool, resultaat, standaardSchool } from '../helpers/fixtures.js';

// Key lookups of requests that arrive together share one query (maakSleutelzoeker, src/boom/auth.ts). The
// promise of CONTRACT §2/§4 stays: a withdrawn key is refused by every request sent after the withdrawal
// committed, even while lookups that started before it are still in flight.

/** Holds the answer of the first query until `open()`: a lookup that is certainly in flight. */
class Poort implements KyselyPlugin {
  private eerste = true;
  private loslaten!: () => void;
  private readonly dicht = new Promise<void>((r) => {
    this.loslaten = r;
  });
  private bereiktSignaal!: () => void;
  /** Resolves once the first query has run in PostgreSQL (its snapshot taken) and is being held. */
  readonly bereikt = new Promise<void>((r) => {
    this.bereiktSignaal = r;
  });
  queries = 0;

  transformQuery(args: PluginTransformQueryArgs) {
    this.queries++;
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs) {
    if (this.eerste) {
      this.eerste = false;
      this.bereiktSignaal();
      await this.dicht;
    }
    return args.result;
  }

  open() {
    this.loslaten();
  }
}

async function trekIn(ctx: TestContext, schoolId: string) {
  const res = await ctx.app.inject({
    method: 'DELETE',
    url: `/v1/beheer/scholen/${schoolId}/koppeling`,
    headers: ctx.beheer,
  });
  if (res.statusCode !== 200) throw new Error(`withdrawal failed: ${res.statusCode} ${res.body}`);
}

t.test('a lookup in flight when the withdrawal commits does not answer a later request', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await maakSchool(ctx, { naam: 'Ingetrokken' });
  const ander = await maakSchool(ctx, { naam: 'Blijft' });
  const poort = new Poort();
  const zoek = maakSleutelzoeker(() => ctx.db.withPlugin(poort));
  const hash = hashSleutel(s.sleutel);

  const eerste = zoek(hash);
  await poort.bereikt; // its query ran before the withdrawal; its answer is held
  await trekIn(ctx, s.schoolId);
  // Sent after the withdrawal's answer, while the first lookup is still in flight.
  const tweede = zoek(hash);
  const anderSleutel = zoek(hashSleutel(ander.sleutel));
  const onbekend = zoek(hashSleutel(`${s.sleutel}x`));
  t.equal(poort.queries, 1, 'the later lookups wait for the batch in flight');
  poort.open();

  t.equal((await eerste)?.school_id, s.schoolId, 'the lookup sent before the withdrawal found the key');
  t.equal(await tweede, undefined, 'the same key, asked after the withdrawal: not found');
  t.equal((await anderSleutel)?.school_id, ander.schoolId, "another school's key in the same batch is found");
  t.equal(await onbekend, undefined);
  t.equal(poort.queries, 2, 'the three later lookups shared one query');
});

t.test('under concurrent load, every request sent after the withdrawal gets 401', async (t) => {
  const ctx = await buildTestApp(t, { FAILED_KEYS_MAX: '100000' });
  const s = await standaardSchool(ctx);
  const ander = await maakSchool(ctx, { naam: 'Blijft' });
  let ingetrokken = false;
  const verzoeken: Array<{ na: boolean; ander: boolean; res: ReturnType<typeof lever> }> = [];
  let intrekking: Promise<void> | undefined;
  let n = 0;
  const stuur = (auth: Record<string, string>, isAnder: boolean) => {
    const body = aanbieding([resultaat({ resultaatKey: `K-${n++}` })]);
    verzoeken.push({ na: ingetrokken, ander: isAnder, res: lever(ctx, auth, body) });
  };
  // Requests keep coming, several per turn of the event loop; the withdrawal starts among them. The stream
  // goes on until 60 requests were sent after its answer.
  let naIntrekking = 0;
  for (let ronde = 0; naIntrekking < 60; ronde++) {
    if (ronde === 10) {
      intrekking = trekIn(ctx, s.schoolId).then(() => {
        ingetrokken = true;
      });
    }
    for (let i = 0; i < 3; i++) stuur(s.auth, false);
    stuur(ander.auth, true);
    if (ingetrokken) naIntrekking += 3;
    await new Promise<void>((r) => setImmediate(r));
    if (ronde > 10_000) throw new Error('the withdrawal never answered');
  }
  await intrekking;
  const uit = await Promise.all(verzoeken.map(async (v) => ({ ...v, status: (await v.res).statusCode })));

  const na = uit.filter((v) => v.na && !v.ander);
  t.ok(na.length >= 60);
  t.same(
    na.filter((v) => v.status !== 401).map((v) => v.status),
    [],
    'every request sent after the withdrawal answered 401',
  );
  const voor = uit.filter((v) => !v.na && !v.ander);
  t.ok(
    voor.every((v) => v.status === 200 || v.status === 401),
    'before it: accepted, or refused once the withdrawal had committed',
  );
  t.ok(
    voor.some((v) => v.status === 200),
    'the key worked before the withdrawal',
  );
  t.same(
    uit.filter((v) => v.ander && v.status !== 200).map((v) => v.status),
    [],
    "another school's key, in the same batches, was accepted throughout",
  );
  // A 401 records nothing: the aanbiedingen are exactly the accepted requests.
  const geaccepteerd = uit.filter((v) => v.status === 200);
  t.same(await rijen(ctx, 'SELECT count(*)::int AS n FROM aanbiedingen'), [{ n: geaccepteerd.length }]);
  t.same(
    await rijen(ctx, 'SELECT count(*)::int AS n FROM aanbiedingen WHERE school_id = $1', [s.schoolId]),
    [{ n: voor.filter((v) => v.status === 200).length }],
    'of the withdrawn school, only deliveries accepted before',
  );
  t.comment(
    `before: ${voor.filter((v) => v.status === 200).length} accepted, ${voor.filter((v) => v.status === 401).length} refused; after: ${na.length} refused`,
  );
});
