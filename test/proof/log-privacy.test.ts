import t from 'tap';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { buildTestApp, OPERATOR_TOKEN } from '../helpers/app.js';
import { lever } from '../helpers/boom.js';
import { aanbieding, maakLeerling, resultaat, standaardSchool } from '../helpers/fixtures.js';

// Issue 4: the log never holds a key, the operator token, a Boom-leerlingnummer or a payload (STYLE 11),
// even at level trace. The logger is the service's own (src/logger.ts), so its redaction is what is tested.

t.test('a full flow at level trace leaves no secret and no payload in the log', async (t) => {
  const regels: string[] = [];
  const logger = createLogger(loadConfig({ LOG_LEVEL: 'trace' }), {
    write: (regel: string) => {
      regels.push(regel);
    },
  });
  const ctx = await buildTestApp(t, {}, { logger });
  const s = await standaardSchool(ctx);
  await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-2', boomLeerlingnummer: '5550001234' });

  // Every value below is unique, so finding it in the log can only mean it leaked from this flow.
  const geheimen = {
    sleutel: s.sleutel,
    operatorToken: OPERATOR_TOKEN,
    verkeerdeSleutel: 'bk_VERKEERDE-SLEUTEL-8f3a9c21d7e0b5',
    nummer1: '4839201',
    nummer2: '5550001234',
    onbekendNummer: '9998887776',
    nummer422: '4242424242',
    key1: 'RK-GEHEIM-A1B2C3',
    key2: 'RK-GEHEIM-D4E5F6',
    key3: 'RK-GEHEIM-G7H8I9',
    key422: 'RK-GEHEIM-422-Q',
    bericht1: 'BERICHT-GEHEIM-0001',
    bericht422: 'BERICHT-GEHEIM-0422',
    berichtJson: 'BERICHT-GEHEIM-0400',
    berichtTekst: 'BERICHT-GEHEIM-0415',
    vaardigheid: '987.125',
    vergelijkingsgroep: 'Vergelijkingsgroep-Geheim',
  };
  const mijnResultaat = (o: Record<string, unknown>) =>
    resultaat({
      toetsscore: { aantalOpgaven: 40, aantalGoed: 27, vaardigheidsscore: Number(geheimen.vaardigheid) },
      referentiescores: [
        { code: 'DLE', waarde: '22' },
        { code: 'Percentiel', waarde: '31', vergelijkingsgroep: geheimen.vergelijkingsgroep },
      ],
      ...o,
    });

  t.equal(
    (await ctx.app.inject({ method: 'POST', url: '/v1/boom/koppeling', headers: s.auth })).statusCode,
    200,
    'handshake',
  );
  const levering = aanbieding(
    [
      mijnResultaat({ resultaatKey: geheimen.key1, boomLeerlingnummer: geheimen.nummer1 }),
      mijnResultaat({ resultaatKey: geheimen.key2, boomLeerlingnummer: geheimen.nummer2 }),
      mijnResultaat({ resultaatKey: geheimen.key3, boomLeerlingnummer: geheimen.onbekendNummer }),
    ],
    geheimen.bericht1,
  );
  const eerste = await lever(ctx, s.auth, levering);
  t.equal(eerste.statusCode, 200);
  t.same(
    eerste.json().resultaten.map((r: { status: string }) => r.status),
    ['verwerkt', 'verwerkt', 'fout'],
    'one unknown pupil',
  );
  t.equal((await lever(ctx, s.auth, levering)).headers['idempotent-replayed'], 'true', 'a replay');
  const anders = { ...levering, resultaten: levering.resultaten.slice(0, 1) };
  t.equal((await lever(ctx, s.auth, anders)).statusCode, 409, 'the berichtId with another body');
  const ongeldig = aanbieding(
    [
      mijnResultaat({
        resultaatKey: geheimen.key422,
        boomLeerlingnummer: geheimen.nummer422,
        afnamedatum: '2026-02-31',
      }),
    ],
    geheimen.bericht422,
  );
  t.equal((await lever(ctx, s.auth, ongeldig)).statusCode, 422);
  t.equal(
    (
      await lever(
        ctx,
        { ...s.auth, 'content-type': 'application/json' },
        `{"berichtId":"${geheimen.berichtJson}","resultaten":[`,
      )
    ).statusCode,
    400,
  );
  t.equal(
    (await lever(ctx, { ...s.auth, 'content-type': 'text/plain' }, `berichtId=${geheimen.berichtTekst}`))
      .statusCode,
    415,
  );
  t.equal(
    (await lever(ctx, { authorization: `Bearer ${geheimen.verkeerdeSleutel}` }, levering)).statusCode,
    401,
    'a wrong key',
  );
  const beheer = await ctx.app.inject({
    method: 'GET',
    url: '/v1/beheer/scholen',
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
  });
  t.ok(beheer.statusCode < 500, 'an operator request');
  const stuk = await lever(ctx, s.auth, {});
  t.equal(stuk.statusCode, 422);

  const log = regels.join('');
  t.ok(regels.length >= 20, `the flow was logged (${regels.length} lines)`);
  t.match(log, /"msg":"incoming request"/, 'request logs are there at trace');
  for (const [naam, waarde] of Object.entries(geheimen)) {
    t.notOk(log.includes(waarde), `${naam} is not in the log`);
  }
  // Not even the school's key in part (its random part after the prefix).
  t.notOk(log.includes(s.sleutel.slice(3, 20)), 'no part of the key');
});

t.test('the second fence: the redaction paths of src/logger.ts hide what code might still log', async (t) => {
  const regels: string[] = [];
  const log = createLogger(loadConfig({ LOG_LEVEL: 'trace' }), { write: (r: string) => void regels.push(r) });
  log.info({ req: { headers: { authorization: 'Bearer GEHEIM-1' } } }, 'a request object');
  log.info({ headers: { authorization: 'Bearer GEHEIM-2' } }, 'headers');
  log.info({ resultaat: { boomLeerlingnummer: 'GEHEIM-3' } }, 'a result');
  log.info({ koppeling: { autorisatiesleutel: 'GEHEIM-4' } }, 'a new key');
  log.info({ beheer: { token: 'GEHEIM-5' } }, 'a token');
  const tekst = regels.join('');
  t.equal(regels.length, 5);
  t.notMatch(tekst, /GEHEIM/, 'every one redacted');
  t.equal(tekst.match(/\[verborgen\]/g)?.length, 5);
});
