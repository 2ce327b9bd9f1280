import { type AddressInfo, connect } from 'node:net';
import fc from 'fast-check';
import t from 'tap';
import '../helpers/fast-check.js';
import { buildTestApp } from '../helpers/app.js';
import { lever } from '../helpers/boom.js';
import { aanbieding, resultaat, standaardSchool } from '../helpers/fixtures.js';

// Issue 4: whatever arrives, the service answers a 4xx problem+json with a code (or a 200 when it is in fact
// valid), never a 5xx, and stays ready; a client that sends slowly is cut off instead of holding a socket.

const BODY_LIMIT = 64 * 1024;
const TOEGESTAAN = new Set([200, 400, 409, 413, 415, 422]);

interface Antwoord {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/** The invariant for every answer: no 5xx, and a 4xx is problem+json with a stable code. */
function schending(res: Antwoord): string | undefined {
  if (!TOEGESTAAN.has(res.statusCode)) return `status ${res.statusCode}: ${res.body.slice(0, 300)}`;
  if (res.statusCode < 400) return undefined;
  if (!String(res.headers['content-type']).startsWith('application/problem+json'))
    return `${res.statusCode} without problem+json`;
  try {
    const p = JSON.parse(res.body);
    if (typeof p.code !== 'string' || p.status !== res.statusCode)
      return `${res.statusCode} body ${res.body}`;
  } catch {
    return `${res.statusCode} body is not JSON`;
  }
  return undefined;
}

// Values no schema expects: wrong types, extremes, NUL, lone surrogates, prototype keys, deep nesting.
const vijandig: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom(
    null,
    true,
    -1,
    0,
    1e308,
    -1e308,
    2 ** 53 + 1,
    1.5,
    '',
    'a\u0000b',
    '\u0000',
    '\uD800',
    'x\uDFFFy',
    '\uD83D\uDE00',
    '2026-02-30',
    '9999-12-31',
    [],
    {},
    [{}],
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ minLength: 200, maxLength: 3000 }),
  fc.constant(JSON.parse('{"__proto__": {"isAdmin": true}, "constructor": {"prototype": {"x": 1}}}')),
  fc.integer({ min: 1, max: 200 }).map((diepte) => JSON.parse(`${'['.repeat(diepte)}${']'.repeat(diepte)}`)),
);

type Pad = Array<string | number>;
const paden: Pad[] = [
  [],
  ['berichtId'],
  ['verzondenOp'],
  ['resultaten'],
  ['resultaten', 0],
  ['resultaten', 0, 'resultaatKey'],
  ['resultaten', 0, 'revisie'],
  ['resultaten', 0, 'reden'],
  ['resultaten', 0, 'boomLeerlingnummer'],
  ['resultaten', 0, 'toets'],
  ['resultaten', 0, 'toets', 'code'],
  ['resultaten', 0, 'toets', 'versie'],
  ['resultaten', 0, 'toetsonderdeel'],
  ['resultaten', 0, 'afnamedatum'],
  ['resultaten', 0, 'toetsscore'],
  ['resultaten', 0, 'toetsscore', 'aantalGoed'],
  ['resultaten', 0, 'toetsscore', 'vaardigheidsscore'],
  ['resultaten', 0, 'referentiescores'],
  ['resultaten', 0, 'referentiescores', 0, 'waarde'],
  ['resultaten', 0, 'normversie'],
  ['resultaten', 0, '__proto__'],
  ['resultaten', 0, 'constructor'],
];

/** A valid delivery with one place replaced (written as JSON text, so `__proto__` is an ordinary key). */
function vervang(body: Record<string, unknown>, pad: Pad, waarde: unknown): string {
  if (pad.length === 0) return JSON.stringify(waarde) ?? 'null';
  const kopie = JSON.parse(JSON.stringify(body));
  let plek = kopie;
  for (const stap of pad.slice(0, -1)) plek = plek[stap];
  Object.defineProperty(plek, pad.at(-1) as string, { value: waarde, enumerable: true, writable: true });
  return JSON.stringify(kopie);
}

/** Fixed numbers of cases (a few dozen ms each), counted: a slow machine takes longer, it does not test less. */
const RUNS_BODY = 150;
const RUNS_KOPPELING = 40;

t.test('generated hostile bodies: never a 5xx, a 4xx is problem+json with a code', async (t) => {
  const ctx = await buildTestApp(t, { BODY_LIMIT_BYTES: String(BODY_LIMIT) });
  const s = await standaardSchool(ctx);
  let n = 0;
  const gezien = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...paden), vijandig, async (pad, waarde) => {
      const body = aanbieding([resultaat()], `vijandig-${n++}`);
      const res = await lever(ctx, s.auth, vervang(body, pad, waarde), {
        headers: { 'content-type': 'application/json' },
      });
      gezien.set(res.statusCode, (gezien.get(res.statusCode) ?? 0) + 1);
      const fout = schending(res);
      if (fout) throw new Error(`${JSON.stringify(pad)}: ${fout}`);
    }),
    { numRuns: RUNS_BODY },
  );
  t.equal(n, RUNS_BODY, 'every generated body was sent (no time limit cuts the property short)');
  t.comment(`statuses: ${JSON.stringify(Object.fromEntries(gezien))}`);
  t.ok((gezien.get(422) ?? 0) > 0, 'many are 422');
  // The handshake takes an empty body; whatever comes instead is no 5xx either.
  let koppelingen = 0;
  await fc.assert(
    fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (waarde) => {
      koppelingen++;
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/v1/boom/koppeling',
        headers: { ...s.auth, 'content-type': 'application/json' },
        payload: JSON.stringify(waarde),
      });
      const fout = schending(res);
      if (fout) throw new Error(`koppeling: ${fout}`);
    }),
    { numRuns: RUNS_KOPPELING },
  );
  t.equal(koppelingen, RUNS_KOPPELING, 'every generated handshake body was sent');
  t.equal((await ctx.app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200, 'still ready');
});

t.test('fixed hostile cases: raw bytes, nesting, content types, size', async (t) => {
  const ctx = await buildTestApp(t, { BODY_LIMIT_BYTES: String(BODY_LIMIT) });
  const s = await standaardSchool(ctx);
  const geldig = JSON.stringify(aanbieding([resultaat()], 'geldig-1'));

  const gevallen: Array<{ naam: string; payload: string | Buffer; type?: string; status: number }> = [
    { naam: 'not JSON', payload: '{"berichtId": ', type: 'application/json', status: 400 },
    { naam: 'empty body', payload: '', type: 'application/json', status: 400 },
    { naam: 'a JSON string', payload: '"x"', type: 'application/json', status: 422 },
    { naam: 'a JSON array', payload: '[{}]', type: 'application/json', status: 422 },
    { naam: 'null', payload: 'null', type: 'application/json', status: 422 },
    {
      naam: 'nesting 20 000 deep',
      payload: `{"berichtId":"diep","x":${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
      type: 'application/json',
      status: 422,
    },
    {
      naam: 'invalid UTF-8 (a lone continuation byte) inside a string',
      payload: Buffer.concat([
        Buffer.from(geldig.slice(0, geldig.indexOf('BTC-R-'))),
        Buffer.from([0x80, 0xff, 0xfe]),
        Buffer.from(geldig.slice(geldig.indexOf('BTC-R-'))),
      ]),
      type: 'application/json',
      status: 400,
    },
    {
      naam: 'invalid UTF-8: an overlong NUL (C0 80) inside a string',
      payload: Buffer.concat([
        Buffer.from(geldig.slice(0, geldig.indexOf('BTC-R-'))),
        Buffer.from([0xc0, 0x80]),
        Buffer.from(geldig.slice(geldig.indexOf('BTC-R-'))),
      ]),
      type: 'application/json',
      status: 400,
    },
    {
      naam: 'a raw NUL byte inside a string (a control character: not JSON)',
      payload: geldig.replace('BTC-R-', 'BTC-R-\u0000'),
      type: 'application/json',
      status: 400,
    },
    {
      naam: 'an escaped NUL inside a string',
      payload: geldig.replace('BTC-R-', 'BTC-R-\\u0000'),
      type: 'application/json',
      status: 422,
    },
    { naam: 'text/plain', payload: geldig, type: 'text/plain', status: 415 },
    { naam: 'form', payload: 'berichtId=1', type: 'application/x-www-form-urlencoded', status: 415 },
    { naam: 'multipart', payload: '--x\r\n\r\n--x--', type: 'multipart/form-data; boundary=x', status: 415 },
    { naam: 'no content type', payload: geldig, status: 415 },
    { naam: 'application/jsonx', payload: geldig, type: 'application/jsonx', status: 415 },
    {
      naam: 'over BODY_LIMIT_BYTES',
      payload: `${geldig}${' '.repeat(BODY_LIMIT)}`,
      type: 'application/json',
      status: 413,
    },
  ];
  for (const g of gevallen) {
    const res = await lever(
      ctx,
      s.auth,
      g.payload,
      g.type === undefined ? {} : { headers: { 'content-type': g.type } },
    );
    t.equal(res.statusCode, g.status, `${g.naam}: ${res.statusCode}`);
    t.notOk(schending(res), g.naam);
  }
  const rijen = await ctx.sql.query('SELECT count(*)::int AS n FROM toetsresultaten');
  t.same(rijen.rows, [{ n: 0 }], 'nothing of it was stored');
  t.equal((await ctx.app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200, 'still ready');
});

const wacht = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A client on a raw socket that sends `stukken` one at a time, `tussenpoos` ms apart, and stops as soon as the
 * server closes the connection. Bounded: 8 s in all.
 */
async function traagClient(port: number, stukken: string[], tussenpoos: number) {
  const socket = connect(port, '127.0.0.1');
  const begin = Date.now();
  let gesloten = false;
  let antwoord = '';
  socket.on('data', (d) => {
    antwoord += d.toString('latin1');
  });
  socket.on('close', () => {
    gesloten = true;
  });
  socket.on('error', () => {});
  for (const stuk of stukken) {
    if (gesloten || Date.now() - begin > 8_000) break;
    socket.write(stuk);
    await wacht(tussenpoos);
  }
  while (!gesloten && Date.now() - begin < 8_000) await wacht(25);
  socket.destroy();
  return { gesloten, na: Date.now() - begin, antwoord };
}

t.test('slow clients (slowloris) are cut off within the configured timeouts', async (t) => {
  const ctx = await buildTestApp(t, { REQUEST_TIMEOUT_MS: '1000', CONNECTION_TIMEOUT_MS: '1000' });
  const s = await standaardSchool(ctx);
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = ctx.app.server.address() as AddressInfo;
  const body = JSON.stringify(aanbieding([resultaat()], 'traag-1'));
  const kop =
    'POST /v1/boom/resultaten HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
    `Authorization: ${s.auth.authorization}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  // Each case would take far longer than the timeout to finish sending (a byte each 50–100 ms).
  const gevallen = [
    { naam: 'headers byte by byte', stukken: [...kop], tussenpoos: 50 },
    { naam: 'a whole header, then the body byte by byte', stukken: [kop, ...body], tussenpoos: 100 },
    { naam: 'a connection that sends nothing', stukken: [], tussenpoos: 0 },
  ];
  // At the same time: each is its own connection, and together they take as long as the slowest.
  const uitkomsten = await Promise.all(gevallen.map((g) => traagClient(port, g.stukken, g.tussenpoos)));
  for (const [i, g] of gevallen.entries()) {
    const r = uitkomsten[i] as Awaited<ReturnType<typeof traagClient>>;
    t.ok(r.gesloten, `${g.naam}: the server closed the connection`);
    // 1 s timeout, checked every 0.5 s, plus slack for a busy machine.
    t.ok(r.na < 3_000, `${g.naam}: within ${r.na} ms`);
    t.notMatch(r.antwoord, /^HTTP\/1\.1 [25]/, `${g.naam}: no 2xx or 5xx answer`);
  }
  const ok = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(5_000) });
  t.equal(ok.status, 200, 'an ordinary client is still served');
  const { rows } = await ctx.sql.query('SELECT count(*)::int AS n FROM toetsresultaten');
  t.same(rows, [{ n: 0 }], 'nothing of a cut-off request was stored');
});
