import t from 'tap';
import { Bundelaar, type BundelaarOpties } from '../../src/db/bundelaar.js';

// src/db/bundelaar.ts, the group commit under deliveries and key lookups, with plain async functions:
// every batch is a call of `verwerk` that the test finishes by hand, so nothing here depends on timing.

interface Stuk {
  id: string;
  grootte?: number;
  /** The piece's answer; an Error makes it a rejected settled result. */
  antwoord?: string | Error;
}

interface Aanroep {
  werk: Stuk[];
  klaar: () => void;
  faal: (err: unknown) => void;
}

function proef(opties: Partial<BundelaarOpties<Stuk, string>> = {}) {
  const aanroepen: Aanroep[] = [];
  let bezig = 0;
  let maxBezig = 0;
  const bundelaar = new Bundelaar<Stuk, string>({
    parallel: 1,
    grootte: (s) => s.grootte ?? 1,
    maxGrootte: 100,
    past: () => true,
    verwerk: (werk) => {
      bezig++;
      maxBezig = Math.max(maxBezig, bezig);
      return new Promise<Array<PromiseSettledResult<string>>>((resolve, reject) => {
        aanroepen.push({
          werk,
          klaar: () => {
            bezig--;
            resolve(
              werk.map((s) =>
                s.antwoord instanceof Error
                  ? { status: 'rejected', reason: s.antwoord }
                  : { status: 'fulfilled', value: s.antwoord ?? `ok:${s.id}` },
              ),
            );
          },
          faal: (err) => {
            bezig--;
            reject(err);
          },
        });
      });
    },
    ...opties,
  });
  /** Lets the promise callbacks of a finished batch run (no clock involved: only queued callbacks). */
  const rustig = () => new Promise<void>((resolve) => setImmediate(resolve));
  const ids = () => aanroepen.map((a) => a.werk.map((s) => s.id));
  return { bundelaar, aanroepen, ids, rustig, maxBezig: () => maxBezig, bezig: () => bezig };
}

/** Offers pieces and records the order in which their promises settle. */
function bied(b: Bundelaar<Stuk, string>, stukken: Stuk[], volgorde: string[]) {
  return stukken.map((s) =>
    b.aanbieden(s).then(
      (v) => {
        volgorde.push(s.id);
        return v;
      },
      (e: unknown) => {
        volgorde.push(s.id);
        throw e;
      },
    ),
  );
}

t.test('with nothing in flight a piece starts at once, alone', async (t) => {
  const p = proef();
  const een = p.bundelaar.aanbieden({ id: 'a' });
  t.same(p.ids(), [['a']], 'verwerk was called synchronously with just this piece');
  t.equal(p.bundelaar.wachtend, 0);
  p.aanroepen[0]!.klaar();
  t.equal(await een, 'ok:a');
});

t.test(
  'work arriving while a batch runs is collected into the next batch, FIFO, each answered its own',
  async (t) => {
    const p = proef();
    const volgorde: string[] = [];
    const eerste = bied(p.bundelaar, [{ id: 'a' }], volgorde);
    const rest = bied(p.bundelaar, [{ id: 'b' }, { id: 'c' }, { id: 'd' }], volgorde);
    t.same(p.ids(), [['a']], 'b, c and d wait while a is being written');
    t.equal(p.bundelaar.wachtend, 3);
    p.aanroepen[0]!.klaar();
    t.equal(await eerste[0], 'ok:a');
    await p.rustig();
    t.same(p.ids(), [['a'], ['b', 'c', 'd']], 'the waiting pieces form one batch, in arrival order');
    t.equal(p.bundelaar.wachtend, 0);
    const later = bied(p.bundelaar, [{ id: 'e' }], volgorde);
    t.same(p.ids().length, 2, 'e waits for the batch in flight (parallel 1)');
    p.aanroepen[1]!.klaar();
    t.same(await Promise.all(rest), ['ok:b', 'ok:c', 'ok:d'], 'each piece gets its own answer');
    await p.rustig();
    t.same(p.ids()[2], ['e']);
    p.aanroepen[2]!.klaar();
    t.equal(await later[0], 'ok:e');
    t.same(volgorde, ['a', 'b', 'c', 'd', 'e'], 'pieces are answered in arrival order');
  },
);

t.test('at most `parallel` batches are in flight; the rest wait in arrival order', async (t) => {
  const p = proef({ parallel: 2, maxGrootte: 1 });
  const volgorde: string[] = [];
  const alle = bied(
    p.bundelaar,
    ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({ id })),
    volgorde,
  );
  t.same(p.ids(), [['a'], ['b']], 'two batches start, the others wait');
  t.equal(p.bezig(), 2);
  t.equal(p.bundelaar.wachtend, 4);
  // Finish them out of order: the second batch first.
  p.aanroepen[1]!.klaar();
  await p.rustig();
  t.same(p.ids(), [['a'], ['b'], ['c']], 'a freed slot takes the oldest waiting piece');
  p.aanroepen[0]!.klaar();
  await p.rustig();
  t.same(p.ids(), [['a'], ['b'], ['c'], ['d']]);
  for (let i = 2; i < 6; i++) {
    p.aanroepen[i]!.klaar();
    await p.rustig();
  }
  t.same(await Promise.all(alle), ['ok:a', 'ok:b', 'ok:c', 'ok:d', 'ok:e', 'ok:f']);
  t.same(
    p.ids().map((b) => b[0]),
    ['a', 'b', 'c', 'd', 'e', 'f'],
    'batches started in arrival order',
  );
  t.equal(p.maxBezig(), 2, 'never more than two verwerk calls at once');
  t.equal(p.bezig(), 0);
});

t.test('maxGrootte splits batches; a piece bigger than maxGrootte still runs, alone', async (t) => {
  const p = proef({ maxGrootte: 5 });
  const voorop = p.bundelaar.aanbieden({ id: 'voorop' });
  const stukken = [
    { id: 'a', grootte: 3 },
    { id: 'b', grootte: 2 },
    { id: 'c', grootte: 4 },
    { id: 'groot', grootte: 7 },
    { id: 'd', grootte: 1 },
    { id: 'e', grootte: 4 },
  ];
  const alle = stukken.map((s) => p.bundelaar.aanbieden(s));
  for (let i = 0; p.aanroepen[i] !== undefined; i++) {
    p.aanroepen[i]!.klaar();
    await p.rustig();
  }
  await voorop;
  t.same(await Promise.all(alle), ['ok:a', 'ok:b', 'ok:c', 'ok:groot', 'ok:d', 'ok:e']);
  t.same(
    p.ids(),
    [['voorop'], ['a', 'b'], ['c'], ['groot'], ['d', 'e']],
    'a batch ends at the first piece that would pass 5; never reordered to fill a batch',
  );
});

t.test('`past` false ends the batch: the later piece goes to the next batch, order kept', async (t) => {
  // As ingest does: no two pieces with one id in a batch.
  const p = proef({
    past: (bundel, s) => !bundel.some((b) => b.id.split('#')[0] === s.id.split('#')[0]),
  });
  const voorop = p.bundelaar.aanbieden({ id: 'voorop' });
  const volgorde: string[] = [];
  const alle = bied(
    p.bundelaar,
    [{ id: 'x#1' }, { id: 'y' }, { id: 'x#2' }, { id: 'z' }, { id: 'x#3' }],
    volgorde,
  );
  for (let i = 0; p.aanroepen[i] !== undefined; i++) {
    p.aanroepen[i]!.klaar();
    await p.rustig();
  }
  await voorop;
  await Promise.all(alle);
  t.same(
    p.ids(),
    [['voorop'], ['x#1', 'y'], ['x#2', 'z'], ['x#3']],
    'z does not jump ahead of x#2 into the first batch',
  );
  t.same(volgorde, ['x#1', 'y', 'x#2', 'z', 'x#3']);
});

t.test('a rejected settled result rejects only its own piece', async (t) => {
  const p = proef();
  const voorop = p.bundelaar.aanbieden({ id: 'voorop' });
  const fout = new Error('alleen b');
  const [a, b, c] = [{ id: 'a' }, { id: 'b', antwoord: fout }, { id: 'c' }].map((s) =>
    p.bundelaar.aanbieden(s),
  );
  p.aanroepen[0]!.klaar();
  await voorop;
  await p.rustig();
  t.same(p.ids()[1], ['a', 'b', 'c'], 'one batch');
  p.aanroepen[1]!.klaar();
  t.equal(await a, 'ok:a');
  await t.rejects(b!, fout, 'b rejects with its own reason');
  t.equal(await c, 'ok:c');
});

t.test('a verwerk that throws rejects the whole batch; the queue keeps working', async (t) => {
  const p = proef();
  const voorop = p.bundelaar.aanbieden({ id: 'voorop' });
  const batch = [{ id: 'a' }, { id: 'b' }].map((s) => p.bundelaar.aanbieden(s));
  p.aanroepen[0]!.klaar();
  await voorop;
  await p.rustig();
  const erna = p.bundelaar.aanbieden({ id: 'c' });
  const boem = new Error('database weg');
  p.aanroepen[1]!.faal(boem);
  await t.rejects(batch[0]!, boem);
  await t.rejects(batch[1]!, boem);
  await p.rustig();
  t.same(p.ids(), [['voorop'], ['a', 'b'], ['c']], 'c runs after the failed batch');
  p.aanroepen[2]!.klaar();
  t.equal(await erna, 'ok:c');
  t.equal(p.bezig(), 0);
  // A verwerk that throws synchronously-in-async (before any await) is a failed batch too.
  const q = new Bundelaar<Stuk, string>({
    parallel: 1,
    grootte: () => 1,
    maxGrootte: 10,
    past: () => true,
    verwerk: async (werk) => {
      if (werk.some((s) => s.id === 'kapot')) throw boem;
      return werk.map((s) => ({ status: 'fulfilled' as const, value: s.id }));
    },
  });
  await t.rejects(q.aanbieden({ id: 'kapot' }), boem);
  t.equal(await q.aanbieden({ id: 'heel' }), 'heel', 'the next piece is handled');
});

t.test('a batch that answers fewer results than pieces rejects the unanswered ones', async (t) => {
  let loslaten!: () => void;
  const poort = new Promise<void>((r) => {
    loslaten = r;
  });
  const b = new Bundelaar<Stuk, string>({
    parallel: 1,
    grootte: () => 1,
    maxGrootte: 10,
    past: () => true,
    verwerk: async (werk) => {
      await poort;
      return [{ status: 'fulfilled', value: werk[0]!.id }];
    },
  });
  const x = b.aanbieden({ id: 'x' });
  const [y, z] = [b.aanbieden({ id: 'y' }), b.aanbieden({ id: 'z' })];
  loslaten();
  t.equal(await x, 'x');
  t.equal(await y, 'y', 'y and z were one batch; y got the only answer');
  await t.rejects(z, /fewer results/, 'z got no answer: rejected, not left hanging');
});

t.test('a piece still waiting at its deadline is rejected there, and never handed to verwerk', async (t) => {
  const nu = performance.now();
  const termijnen = new Map([
    ['b', nu + 30],
    ['c', nu + 60_000],
  ]);
  const p = proef({
    termijn: {
      uiterlijk: (s) => termijnen.get(s.id) ?? nu + 60_000,
      verlopen: (s) => new Error(`verlopen:${s.id}`),
    },
  });
  const a = p.bundelaar.aanbieden({ id: 'a' });
  const b = p.bundelaar.aanbieden({ id: 'b' });
  const c = p.bundelaar.aanbieden({ id: 'c' });
  t.equal(p.bundelaar.wachtend, 2);
  // a's batch does not finish; b is answered at its deadline all the same.
  await t.rejects(b, /verlopen:b/, 'b: rejected at its deadline while a was still in flight');
  t.equal(p.bundelaar.wachtend, 1, 'only c still waits');
  t.ok(p.bundelaar.oudste() >= 25, 'the batch in flight is as old as it is');
  t.notOk(p.bundelaar.leeg);
  p.aanroepen[0]!.klaar();
  t.equal(await a, 'ok:a');
  await p.rustig();
  t.same(p.ids(), [['a'], ['c']], 'b was never handed to verwerk');
  p.aanroepen[1]!.klaar();
  t.equal(await c, 'ok:c');
  t.ok(p.bundelaar.leeg, 'nothing waits, nothing in flight');
  t.equal(p.bundelaar.oudste(), 0);
});

t.test('oudste: how long the oldest piece has waited without an answer', async (t) => {
  const p = proef();
  t.equal(p.bundelaar.oudste(), 0, 'none');
  void p.bundelaar.aanbieden({ id: 'a' });
  void p.bundelaar.aanbieden({ id: 'b' });
  await new Promise((r) => setTimeout(r, 20));
  t.ok(p.bundelaar.oudste() >= 15, 'the batch in flight');
  p.aanroepen[0]!.klaar();
  await p.rustig();
  t.ok(p.bundelaar.oudste() < 15, 'b, in flight since a finished');
  p.aanroepen[1]!.klaar();
  await p.rustig();
  t.equal(p.bundelaar.oudste(), 0);
});
