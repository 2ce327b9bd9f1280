import t from 'tap';
import { Batcher, type BatcherOptions } from '../../src/lib/batcher.js';

// src/lib/batcher.ts, the group commit under deliveries and key lookups, with plain async functions:
// every batch is a call of `handle` that the test finishes by hand, so nothing here depends on timing.

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

function proef(opties: Partial<BatcherOptions<Stuk, string>> = {}) {
  const aanroepen: Aanroep[] = [];
  let bezig = 0;
  let maxBezig = 0;
  const batcher = new Batcher<Stuk, string>({
    parallel: 1,
    size: (s) => s.grootte ?? 1,
    maxSize: 100,
    fits: () => true,
    handle: (werk) => {
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
  return { batcher, aanroepen, ids, rustig, maxBezig: () => maxBezig, bezig: () => bezig };
}

/** Offers pieces and records the order in which their promises settle. */
function bied(b: Batcher<Stuk, string>, stukken: Stuk[], volgorde: string[]) {
  return stukken.map((s) =>
    b.submit(s).then(
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
  const een = p.batcher.submit({ id: 'a' });
  t.same(p.ids(), [['a']], 'handle was called synchronously with just this piece');
  t.equal(p.batcher.waiting, 0);
  p.aanroepen[0]!.klaar();
  t.equal(await een, 'ok:a');
});

t.test(
  'work arriving while a batch runs is collected into the next batch, FIFO, each answered its own',
  async (t) => {
    const p = proef();
    const volgorde: string[] = [];
    const eerste = bied(p.batcher, [{ id: 'a' }], volgorde);
    const rest = bied(p.batcher, [{ id: 'b' }, { id: 'c' }, { id: 'd' }], volgorde);
    t.same(p.ids(), [['a']], 'b, c and d wait while a is being written');
    t.equal(p.batcher.waiting, 3);
    p.aanroepen[0]!.klaar();
    t.equal(await eerste[0], 'ok:a');
    await p.rustig();
    t.same(p.ids(), [['a'], ['b', 'c', 'd']], 'the waiting pieces form one batch, in arrival order');
    t.equal(p.batcher.waiting, 0);
    const later = bied(p.batcher, [{ id: 'e' }], volgorde);
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
  const p = proef({ parallel: 2, maxSize: 1 });
  const volgorde: string[] = [];
  const alle = bied(
    p.batcher,
    ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({ id })),
    volgorde,
  );
  t.same(p.ids(), [['a'], ['b']], 'two batches start, the others wait');
  t.equal(p.bezig(), 2);
  t.equal(p.batcher.waiting, 4);
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
  t.equal(p.maxBezig(), 2, 'never more than two handle calls at once');
  t.equal(p.bezig(), 0);
});

t.test('maxSize splits batches; a piece bigger than maxSize still runs, alone', async (t) => {
  const p = proef({ maxSize: 5 });
  const voorop = p.batcher.submit({ id: 'voorop' });
  const stukken = [
    { id: 'a', grootte: 3 },
    { id: 'b', grootte: 2 },
    { id: 'c', grootte: 4 },
    { id: 'groot', grootte: 7 },
    { id: 'd', grootte: 1 },
    { id: 'e', grootte: 4 },
  ];
  const alle = stukken.map((s) => p.batcher.submit(s));
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
    fits: (bundel, s) => !bundel.some((b) => b.id.split('#')[0] === s.id.split('#')[0]),
  });
  const voorop = p.batcher.submit({ id: 'voorop' });
  const volgorde: string[] = [];
  const alle = bied(
    p.batcher,
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
  const voorop = p.batcher.submit({ id: 'voorop' });
  const fout = new Error('alleen b');
  const [a, b, c] = [{ id: 'a' }, { id: 'b', antwoord: fout }, { id: 'c' }].map((s) => p.batcher.submit(s));
  p.aanroepen[0]!.klaar();
  await voorop;
  await p.rustig();
  t.same(p.ids()[1], ['a', 'b', 'c'], 'one batch');
  p.aanroepen[1]!.klaar();
  t.equal(await a, 'ok:a');
  await t.rejects(b!, fout, 'b rejects with its own reason');
  t.equal(await c, 'ok:c');
});

t.test('a handle that throws rejects the whole batch; the queue keeps working', async (t) => {
  const p = proef();
  const voorop = p.batcher.submit({ id: 'voorop' });
  const batch = [{ id: 'a' }, { id: 'b' }].map((s) => p.batcher.submit(s));
  p.aanroepen[0]!.klaar();
  await voorop;
  await p.rustig();
  const erna = p.batcher.submit({ id: 'c' });
  const boem = new Error('database weg');
  p.aanroepen[1]!.faal(boem);
  await t.rejects(batch[0]!, boem);
  await t.rejects(batch[1]!, boem);
  await p.rustig();
  t.same(p.ids(), [['voorop'], ['a', 'b'], ['c']], 'c runs after the failed batch');
  p.aanroepen[2]!.klaar();
  t.equal(await erna, 'ok:c');
  t.equal(p.bezig(), 0);
  // A handle that throws synchronously-in-async (before any await) is a failed batch too.
  const q = new Batcher<Stuk, string>({
    parallel: 1,
    size: () => 1,
    maxSize: 10,
    fits: () => true,
    handle: async (werk) => {
      if (werk.some((s) => s.id === 'kapot')) throw boem;
      return werk.map((s) => ({ status: 'fulfilled' as const, value: s.id }));
    },
  });
  await t.rejects(q.submit({ id: 'kapot' }), boem);
  t.equal(await q.submit({ id: 'heel' }), 'heel', 'the next piece is handled');
});

t.test('a batch that answers fewer results than pieces rejects the unanswered ones', async (t) => {
  let loslaten!: () => void;
  const poort = new Promise<void>((r) => {
    loslaten = r;
  });
  const b = new Batcher<Stuk, string>({
    parallel: 1,
    size: () => 1,
    maxSize: 10,
    fits: () => true,
    handle: async (werk) => {
      await poort;
      return [{ status: 'fulfilled', value: werk[0]!.id }];
    },
  });
  const x = b.submit({ id: 'x' });
  const [y, z] = [b.submit({ id: 'y' }), b.submit({ id: 'z' })];
  loslaten();
  t.equal(await x, 'x');
  t.equal(await y, 'y', 'y and z were one batch; y got the only answer');
  await t.rejects(z, /fewer results/, 'z got no answer: rejected, not left hanging');
});

t.test('a piece still waiting at its deadline is rejected there, and never handed to handle', async (t) => {
  const nu = performance.now();
  const termijnen = new Map([
    ['b', nu + 30],
    ['c', nu + 60_000],
  ]);
  const p = proef({
    deadline: {
      at: (s) => termijnen.get(s.id) ?? nu + 60_000,
      expired: (s) => new Error(`verlopen:${s.id}`),
    },
  });
  const a = p.batcher.submit({ id: 'a' });
  const b = p.batcher.submit({ id: 'b' });
  const c = p.batcher.submit({ id: 'c' });
  t.equal(p.batcher.waiting, 2);
  // a's batch does not finish; b is answered at its deadline all the same.
  await t.rejects(b, /verlopen:b/, 'b: rejected at its deadline while a was still in flight');
  t.equal(p.batcher.waiting, 1, 'only c still waits');
  t.ok(p.batcher.oldest() >= 25, 'the batch in flight is as old as it is');
  t.notOk(p.batcher.idle);
  p.aanroepen[0]!.klaar();
  t.equal(await a, 'ok:a');
  await p.rustig();
  t.same(p.ids(), [['a'], ['c']], 'b was never handed to handle');
  p.aanroepen[1]!.klaar();
  t.equal(await c, 'ok:c');
  t.ok(p.batcher.idle, 'nothing waits, nothing in flight');
  t.equal(p.batcher.oldest(), 0);
});

t.test('oudste: how long the oldest piece has waited without an answer', async (t) => {
  const p = proef();
  t.equal(p.batcher.oldest(), 0, 'none');
  void p.batcher.submit({ id: 'a' });
  void p.batcher.submit({ id: 'b' });
  await new Promise((r) => setTimeout(r, 20));
  t.ok(p.batcher.oldest() >= 15, 'the batch in flight');
  p.aanroepen[0]!.klaar();
  await p.rustig();
  t.ok(p.batcher.oldest() < 15, 'b, in flight since a finished');
  p.aanroepen[1]!.klaar();
  await p.rustig();
  t.equal(p.batcher.oldest(), 0);
});

t.test(
  'a piece without a deadline (Infinity) waits as long as it takes (setTimeout would fire in 1 ms)',
  async (t) => {
    const p = proef({
      deadline: { at: () => Number.POSITIVE_INFINITY, expired: (s) => new Error(`verlopen:${s.id}`) },
    });
    const a = p.batcher.submit({ id: 'a' });
    const b = p.batcher.submit({ id: 'b' });
    await new Promise((r) => setTimeout(r, 30));
    t.equal(p.batcher.waiting, 1, 'b still waits after 30 ms');
    p.aanroepen[0]!.klaar();
    t.equal(await a, 'ok:a');
    await p.rustig();
    p.aanroepen[1]!.klaar();
    t.equal(await b, 'ok:b', 'b handled, not rejected');
  },
);
