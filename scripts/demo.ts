/**
 * `npm run demo`: a realistic day of the coupling, told step by step.
 *
 * Against a running service: `npm run demo -- --url http://localhost:3000` (or DEMO_URL=…); the operator
 * token comes from OPERATOR_TOKEN, else from ./.data/operator-token (where `npm start` keeps it). The demo's
 * school stays behind, so the BOOM TESTCENTRUM page (http://localhost:3000/) has a day of traffic to show.
 * Without a URL it starts the service itself (embedded PostgreSQL in a temporary folder) and stops it after.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

interface Stap {
  stap: string;
  verzoek: string;
  status: number;
  uitkomst: string;
}

const stappen: Stap[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function startService(): Promise<{ url: string; token: string; stop: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'boomk-demo-'));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['dist/server.js'], {
    env: {
      ...process.env,
      DATABASE_URL: '',
      DATA_DIR: path.join(dir, '.data'),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error('the service did not become ready within 60 s');
    try {
      if ((await fetch(`${url}/health/ready`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 300));
  }
  const token = (await readFile(path.join(dir, '.data', 'operator-token'), 'utf8')).trim();
  return {
    url,
    token,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function samenvatting(body: unknown): string {
  const b = body as Record<string, unknown> | undefined;
  if (!b || typeof b !== 'object') return '';
  if (Array.isArray(b.resultaten)) {
    return (b.resultaten as Array<{ resultaatKey: string; status: string; fout?: { code: string } }>)
      .map((r) => `${r.resultaatKey}: ${r.fout ? `fout ${r.fout.code}` : r.status}`)
      .join('; ');
  }
  if ('code' in b && 'status' in b && 'title' in b) return `${b.code}`;
  if ('geheeld' in b) return `geheeld: ${b.geheeld}`;
  if ('autorisatiesleutel' in b) return `sleutel uitgegeven (status ${b.status})`;
  if (b.status === 'actief') return 'koppeling actief';
  return '';
}

/** `--url <url>` (or `--url=<url>`), else DEMO_URL. */
function gegevenUrl(): string | undefined {
  const args = process.argv.slice(2);
  const i = args.findIndex((a) => a === '--url' || a.startsWith('--url='));
  if (i === -1) return process.env.DEMO_URL || undefined;
  const url = args[i]!.includes('=') ? args[i]!.slice('--url='.length) : args[i + 1];
  if (!url) throw new Error('--url needs the address of the running service, e.g. http://localhost:3000');
  return url.replace(/\/+$/, '');
}

async function tokenVan(url: string | undefined): Promise<string | undefined> {
  if (process.env.OPERATOR_TOKEN) return process.env.OPERATOR_TOKEN;
  if (!url) return undefined;
  return (await readFile(path.join('.data', 'operator-token'), 'utf8').catch(() => undefined))?.trim();
}

async function main() {
  const url = gegevenUrl();
  const own = url ? undefined : await startService();
  const base = url ?? own!.url;
  const token = (await tokenVan(url)) ?? own?.token;
  if (!token) throw new Error('set OPERATOR_TOKEN to the service operator token (or run from its folder)');
  const beheer = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  async function call(
    stap: string,
    method: string,
    pad: string,
    headers: Record<string, string>,
    body?: unknown,
  ) {
    const res = await fetch(`${base}${pad}`, {
      method,
      headers: body === undefined ? { authorization: headers.authorization! } : headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    const replay = res.headers.get('idempotent-replayed') ? ' (Idempotent-Replayed)' : '';
    stappen.push({
      stap,
      verzoek: `${method} ${pad.replace(/[0-9a-f-]{36}/, '{school}')}`,
      status: res.status,
      uitkomst: samenvatting(json) + replay,
    });
    return json;
  }

  try {
    const achtervoegsel = randomUUID().slice(0, 6);
    const school = await call('1 school aanmaken', 'POST', '/v1/beheer/scholen', beheer, {
      naam: `Demo-school ${achtervoegsel}`,
    });
    const s = `/v1/beheer/scholen/${school.id}`;
    const { autorisatiesleutel } = await call('1 sleutel uitgeven', 'POST', `${s}/koppeling`, beheer);
    const boom = { authorization: `Bearer ${autorisatiesleutel}`, 'content-type': 'application/json' };
    await call('2 AANVRAGEN in Boom', 'POST', '/v1/boom/koppeling', { authorization: boom.authorization });

    await call('catalogus', 'PUT', '/v1/beheer/toetsen/BLVS-SP', beheer, {
      naam: 'Boom LVS Spelling',
      vak: 'spelling',
      onderdelen: [
        { code: 'WOORDEN', naam: 'Woorden' },
        { code: 'WERKWOORDEN', naam: 'Werkwoorden' },
      ],
    });
    await call('DLE-normen', 'PUT', '/v1/beheer/dle-normen', beheer, {
      items: [
        { vak: 'spelling', fase: 'F2', toetsdoel: 'PO-midden', normDle: 20 },
        { vak: 'rekenen', fase: 'F2', toetsdoel: 'PO-midden', normDle: 18 },
      ],
    });
    await call('3 leerling Amira', 'PUT', `${s}/leerlingen/LL-1001`, beheer, {
      boomLeerlingnummer: '4839201',
      fase: 'F2',
      toetsdoel: 'PO-midden',
    });
    await call('3 leerling Bram', 'PUT', `${s}/leerlingen/LL-1002`, beheer, {
      fase: 'F2',
      toetsdoel: 'PO-midden',
    });
    await call('4 schooltoetsen', 'PUT', `${s}/schooltoetsen`, beheer, { toetsen: ['BLVS-SP'] });

    const r = (key: string, nr: string, over: Record<string, unknown> = {}) => ({
      resultaatKey: key,
      revisie: 1,
      reden: 'nieuw',
      boomLeerlingnummer: nr,
      toets: { code: 'BLVS-SP', versie: 'A' },
      toetsonderdeel: { code: 'WOORDEN' },
      afnamedatum: '2026-02-03',
      toetsscore: { aantalOpgaven: 40, aantalGoed: 27 },
      referentiescores: [{ code: 'DLE', waarde: '22' }],
      normversie: '2019',
      ...over,
    });
    const ochtend = {
      berichtId: `demo-${achtervoegsel}-1`,
      verzondenOp: new Date().toISOString(),
      resultaten: [
        r('BTC-R-1', '4839201'),
        r('BTC-R-2', '5550123'), // Bram's number is not entered yet
        r('BTC-R-3', '4839201', { toets: { code: 'BLVS-RW' }, toetsonderdeel: null }), // not in the catalogue yet
      ],
    };
    await call('Boom: nieuwe resultaten', 'POST', '/v1/boom/resultaten', boom, ochtend);
    await call('Boom: zelfde bericht opnieuw', 'POST', '/v1/boom/resultaten', boom, ochtend);
    await call('Boom: zelfde resultaat, nieuw bericht', 'POST', '/v1/boom/resultaten', boom, {
      ...ochtend,
      berichtId: `demo-${achtervoegsel}-2`,
      resultaten: [r('BTC-R-1', '4839201')],
    });
    await call('Boom: hernormering', 'POST', '/v1/boom/resultaten', boom, {
      berichtId: `demo-${achtervoegsel}-3`,
      verzondenOp: new Date().toISOString(),
      resultaten: [
        r('BTC-R-1', '4839201', {
          revisie: 2,
          reden: 'hernormering',
          referentiescores: [{ code: 'DLE', waarde: '23.5' }],
        }),
      ],
    });
    const fouten = await call(
      'fouten bekijken',
      'GET',
      `/v1/beheer/fouten?schoolId=${school.id}&status=open`,
      beheer,
    );
    stappen[stappen.length - 1]!.uitkomst = fouten.items
      .map((f: { resultaatKey: string; code: string }) => `${f.resultaatKey}: ${f.code}`)
      .join('; ');
    await call('herstel: Boom-nummer Bram', 'PUT', `${s}/leerlingen/LL-1002`, beheer, {
      boomLeerlingnummer: '5550123',
    });
    await call('herstel: toets BLVS-RW', 'PUT', '/v1/beheer/toetsen/BLVS-RW', beheer, {
      naam: 'Boom LVS Rekenen-Wiskunde',
      vak: 'rekenen',
      onderdelen: [],
    });
    const res = await call('huidige resultaten', 'GET', `${s}/resultaten`, beheer);
    stappen[stappen.length - 1]!.uitkomst = res.items
      .map(
        (i: {
          resultaatKey: string;
          revisie: number;
          dle: number;
          dleVerschil: number | null;
          inDoorstroomgrafiek: boolean;
        }) =>
          `${i.resultaatKey} r${i.revisie} dle ${i.dle} (${i.dleVerschil === null ? 'geen norm' : `${i.dleVerschil >= 0 ? '+' : ''}${i.dleVerschil}`})${i.inDoorstroomgrafiek ? ' ●' : ''}`,
      )
      .join('; ');
  } finally {
    await own?.stop();
  }

  const kol = (k: keyof Stap) => Math.max(k.length, ...stappen.map((s) => String(s[k]).length));
  const w = { stap: kol('stap'), verzoek: kol('verzoek'), status: kol('status') };
  const regel = (s: Record<keyof Stap, string | number>) =>
    `${String(s.stap).padEnd(w.stap)}  ${String(s.verzoek).padEnd(w.verzoek)}  ${String(s.status).padEnd(w.status)}  ${s.uitkomst}`;
  console.log(regel({ stap: 'stap', verzoek: 'verzoek', status: 'status', uitkomst: 'uitkomst' }));
  console.log('-'.repeat(w.stap + w.verzoek + w.status + 20));
  for (const s of stappen) console.log(regel(s));
  console.log('\n● = rode stip in de Doorstroomgrafiek (toets geactiveerd bij de school)');
  if (url) console.log(`\nDe demo-school staat nu in BOOM TESTCENTRUM: ${base}/`);

  // The story is also a black-box check of the contract against a started service (CI runs it).
  const afwijkingen = stappen.flatMap((s) => {
    const [status, uitkomst] = verwacht[s.stap] ?? [200, ''];
    return s.status === status && s.uitkomst.includes(uitkomst)
      ? []
      : [`${s.stap}: ${s.status} ${s.uitkomst}`];
  });
  if (
    afwijkingen.length > 0 &&
    // With --url the service may hold an earlier run's catalogue: then this is a note, not a failure.
    !process.argv.some((a) => a === '--url' || a.startsWith('--url='))
  ) {
    console.error(`\nNot as the contract says:\n  ${afwijkingen.join('\n  ')}`);
    process.exitCode = 1;
  } else if (afwijkingen.length > 0) {
    // A service that already holds the catalogue (an earlier run) answers some steps differently.
    console.log(`\nAnders dan op een lege service (de catalogus was er al):\n  ${afwijkingen.join('\n  ')}`);
  }
}

/** What each step must answer: the status, and a part of the outcome. */
const verwacht: Record<string, [number, string]> = {
  '1 school aanmaken': [201, ''],
  '1 sleutel uitgeven': [201, 'status aangevraagd'],
  '2 AANVRAGEN in Boom': [200, 'koppeling actief'],
  catalogus: [201, 'geheeld: 0'],
  '3 leerling Amira': [201, ''],
  '3 leerling Bram': [201, ''],
  'Boom: nieuwe resultaten': [
    200,
    'BTC-R-1: verwerkt; BTC-R-2: fout LEERLING_NIET_GEVONDEN; BTC-R-3: fout TOETS_NIET_GEVONDEN',
  ],
  'Boom: zelfde bericht opnieuw': [200, '(Idempotent-Replayed)'],
  'Boom: zelfde resultaat, nieuw bericht': [200, 'BTC-R-1: dubbel'],
  'Boom: hernormering': [200, 'BTC-R-1: verwerkt'],
  'fouten bekijken': [200, 'BTC-R-3: TOETS_NIET_GEVONDEN; BTC-R-2: LEERLING_NIET_GEVONDEN'],
  'herstel: Boom-nummer Bram': [200, 'geheeld: 1'],
  'herstel: toets BLVS-RW': [201, 'geheeld: 1'],
  'huidige resultaten': [
    200,
    'BTC-R-1 r2 dle 23.5 (+3.5) ●; BTC-R-2 r1 dle 22 (+2) ●; BTC-R-3 r1 dle 22 (+4)',
  ],
};

await main();
