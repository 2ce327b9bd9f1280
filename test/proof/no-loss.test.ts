import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import t, { type Test } from 'tap';
import { hashSleutel, nieuweSleutel } from '../../src/sleutels.js';
import { aanbieding, resultaat } from '../helpers/fixtures.js';
import { herstartbarePostgres, wacht } from '../helpers/restartable-postgres.js';
import { startDienst } from '../helpers/service-process.js';

// Issue 4, the real-process fault tests: the service runs as its own process (src/server.ts) against its
// own PostgreSQL, Boom sends a few thousand results a few at a time, and in the middle the database stops
// for real, or the service is killed with SIGKILL. The ledger: every result of a 2xx is stored exactly
// once; every other answer is a 503 with Retry-After or a broken connection; resent (as Boom does), every
// delivery ends stored exactly once. A service process killed mid-transaction leaves nothing half-written:
// its connections close, and PostgreSQL rolls back every transaction that had not committed.

const LEVERINGEN = 150;
const PER_LEVERING = 10;
const GELIJKTIJDIG = 4;
const OPERATOR_TOKEN = 'fault-operator-token-0123456789';

const pgServer = await herstartbarePostgres(t);
const sql = new pg.Pool({ connectionString: pgServer.url, max: 2 });
sql.on('error', () => {}); // the server is stopped on purpose
t.teardown(() => sql.end());

const { rows: scholen } = await sql.query("INSERT INTO scholen (naam) VALUES ('Storing') RETURNING id");
const schoolId = scholen[0].id as string;
const sleutel = nieuweSleutel('bk');
await sql.query('INSERT INTO koppeling_sleutels (school_id, sleutel_hash) VALUES ($1, $2)', [
  schoolId,
  hashSleutel(sleutel),
]);
await sql.query(
  "INSERT INTO leerlingen (school_id, leerling_id, boom_leerlingnummer, fase, toetsdoel) VALUES ($1, 'LL-1', '4839201', 'F2', 'PO-midden')",
  [schoolId],
);
await sql.query("INSERT INTO toetsen (code, naam, vak) VALUES ('BLVS-SP', 'Spelling', 'spelling')");
await sql.query(
  "INSERT INTO toetsonderdelen (toets_code, code, naam) VALUES ('BLVS-SP', 'WOORDEN', 'woorden')",
);

const dataDir = await mkdtemp(path.join(tmpdir(), 'boomk-dienst-'));
t.teardown(() => rm(dataDir, { recursive: true, force: true }));
const dienst = await startDienst(t, {
  DATABASE_URL: pgServer.url,
  OPERATOR_TOKEN,
  DATA_DIR: dataDir,
  DB_POOL_MAX: '5',
});
await dienst.start();

interface Levering {
  berichtId: string;
  body: string;
  keys: string[];
}
type Afloop =
  | { status: number; retryAfter: string | null; contentType: string | null; statussen?: string[] }
  | { verbindingsfout: string };

function maakLeveringen(prefix: string): Levering[] {
  return Array.from({ length: LEVERINGEN }, (_, i) => {
    const keys = Array.from({ length: PER_LEVERING }, (_, j) => `${prefix}-${i}-${j}`);
    const body = aanbieding(
      keys.map((k) => resultaat({ resultaatKey: k })),
      `${prefix}-b-${i}`,
    );
    return { berichtId: body.berichtId, body: JSON.stringify(body), keys };
  });
}

async function stuur(l: Levering): Promise<Afloop> {
  try {
    const res = await fetch(`${dienst.baseUrl}/v1/boom/resultaten`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sleutel}`, 'content-type': 'application/json' },
      body: l.body,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    const afloop: Afloop = {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      contentType: res.headers.get('content-type'),
    };
    if (res.status === 200)
      afloop.statussen = JSON.parse(text).resultaten.map((r: { status: string }) => r.status);
    return afloop;
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { verbindingsfout: e.cause?.code ?? e.name };
  }
}

const is2xx = (a: Afloop | undefined) =>
  a !== undefined && 'status' in a && a.status >= 200 && a.status < 300;

/** Sends every delivery, GELIJKTIJDIG at a time; `storing` starts when delivery `bij` is taken. */
async function verstuur(leveringen: Levering[], bij: number, storing: () => Promise<void>) {
  const afloop = new Map<number, Afloop>();
  let volgende = 0;
  let lopend: Promise<void> | undefined;
  const deadline = Date.now() + 60_000;
  const werker = async () => {
    while (volgende < leveringen.length && Date.now() < deadline) {
      const i = volgende++;
      if (i === bij) lopend = storing();
      const a = await stuur(leveringen[i] as Levering);
      afloop.set(i, a);
      if (!is2xx(a)) await wacht(100); // Boom backs off a little
    }
  };
  await Promise.all(Array.from({ length: GELIJKTIJDIG }, werker));
  await lopend;
  return afloop;
}

/** Stored keys per delivery index: a delivery is stored whole or not at all. */
async function opgeslagen(prefix: string): Promise<Map<number, string[]>> {
  const { rows } = await sql.query<{ resultaat_key: string }>(
    'SELECT resultaat_key FROM toetsresultaten WHERE school_id = $1 AND resultaat_key LIKE $2',
    [schoolId, `${prefix}-%`],
  );
  const per = new Map<number, string[]>();
  for (const { resultaat_key } of rows) {
    const i = Number(resultaat_key.split('-')[1]);
    per.set(i, [...(per.get(i) ?? []), resultaat_key]);
  }
  return per;
}

async function controleer(t: Test, prefix: string, leveringen: Levering[], afloop: Map<number, Afloop>) {
  t.equal(afloop.size, leveringen.length, 'every delivery was sent within the time bound');
  const fout = [...afloop.values()].filter((a) => !is2xx(a));
  t.ok(fout.length > 0, `the fault was felt: ${fout.length} deliveries not acknowledged`);
  t.ok(afloop.size - fout.length > 0, `${afloop.size - fout.length} deliveries acknowledged`);
  const onverwacht = fout.filter(
    (a) =>
      'status' in a &&
      !(a.status === 503 && a.retryAfter === '5' && a.contentType?.startsWith('application/problem+json')),
  );
  t.same(onverwacht, [], 'every non-2xx is a 503 with Retry-After (or a broken connection)');
  const nietVerwerkt = [...afloop.values()].filter(
    (a) => is2xx(a) && 'status' in a && a.statussen?.some((s) => s !== 'verwerkt'),
  );
  t.same(nietVerwerkt, [], 'every result of a 2xx was verwerkt');

  const per = await opgeslagen(prefix);
  const ontbreekt = [...afloop.entries()]
    .filter(([i, a]) => is2xx(a) && (per.get(i)?.length ?? 0) !== PER_LEVERING)
    .map(([i]) => i);
  t.same(ontbreekt, [], 'every result of a 2xx is stored');
  const half = [...per.entries()].filter(([, keys]) => keys.length !== PER_LEVERING).map(([i]) => i);
  t.same(half, [], 'no delivery is half stored');

  // Boom resends what it got no 2xx for: each is then stored, and was handled exactly once.
  // Bounded: at most 10 tries per delivery and 20 s in all.
  const deadline = Date.now() + 20_000;
  const geweigerd: number[] = [];
  const anders: string[] = [];
  const opnieuw = [...afloop.entries()].filter(([, a]) => !is2xx(a)).map(([i]) => i);
  let volgende = 0;
  const werker = async () => {
    while (volgende < opnieuw.length) {
      const i = opnieuw[volgende++] as number;
      let laatste: Afloop | undefined;
      for (let poging = 0; poging < 10 && !is2xx(laatste) && Date.now() < deadline; poging++) {
        if (poging > 0) await wacht(200);
        laatste = await stuur(leveringen[i] as Levering);
      }
      if (!is2xx(laatste)) geweigerd.push(i);
      else if (laatste && 'statussen' in laatste && laatste.statussen?.some((s) => s !== 'verwerkt'))
        anders.push(`${i}: ${laatste.statussen.join(',')}`);
    }
  };
  await Promise.all(Array.from({ length: GELIJKTIJDIG }, werker));
  t.same(geweigerd, [], `all ${opnieuw.length} deliveries sent again were accepted`);
  // A replay answers the stored 'verwerkt'; a 'dubbel' would mean an earlier attempt wrote part of it.
  t.same(anders, [], 'and answered verwerkt for every result');

  const { rows } = await sql.query(
    `SELECT (SELECT count(*)::int FROM toetsresultaten WHERE school_id = $1 AND resultaat_key LIKE $2) AS huidig,
            (SELECT count(DISTINCT resultaat_key)::int FROM resultaat_revisies
              WHERE school_id = $1 AND resultaat_key LIKE $2) AS sleutels,
            (SELECT count(*)::int FROM resultaat_revisies WHERE school_id = $1 AND resultaat_key LIKE $2) AS revisies,
            (SELECT count(*)::int FROM aanbiedingen
              WHERE school_id = $1 AND bericht_id LIKE $3 AND afgewezen_status IS NULL) AS aanbiedingen`,
    [schoolId, `${prefix}-%`, `${prefix}-b-%`],
  );
  t.same(
    rows[0],
    {
      huidig: LEVERINGEN * PER_LEVERING,
      sleutels: LEVERINGEN * PER_LEVERING,
      revisies: LEVERINGEN * PER_LEVERING,
      aanbiedingen: LEVERINGEN,
    },
    'in the end every result is stored exactly once, every delivery once',
  );
}

t.test('PostgreSQL stops for real in the middle of the traffic and starts again', async (t) => {
  const leveringen = maakLeveringen('DB');
  const afloop = await verstuur(leveringen, 50, async () => {
    await pgServer.stop();
    await wacht(300);
    await pgServer.start();
  });
  await controleer(t, 'DB', leveringen, afloop);
});

t.test('the service process is killed with SIGKILL in the middle of the traffic', async (t) => {
  const leveringen = maakLeveringen('KILL');
  const afloop = await verstuur(leveringen, 50, async () => {
    await dienst.kill();
    await dienst.start();
  });
  const verbroken = [...afloop.values()].filter((a) => 'verbindingsfout' in a).length;
  t.ok(verbroken > 0, `${verbroken} deliveries met a dead service`);
  await controleer(t, 'KILL', leveringen, afloop);
});
