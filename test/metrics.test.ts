import t from 'tap';
import { buildTestApp } from './helpers/app.js';
import { lever } from './helpers/boom.js';
import { aanbieding, resultaat, standaardSchool } from './helpers/fixtures.js';

t.test(
  'GET /metrics counts deliveries, results by outcome, error codes, durations and the pool',
  async (t) => {
    const ctx = await buildTestApp(t);
    const s = await standaardSchool(ctx);
    const body = aanbieding(
      [
        resultaat(),
        resultaat({ resultaatKey: 'B' }),
        resultaat({ resultaatKey: 'X', boomLeerlingnummer: '0' }),
        resultaat({ resultaatKey: 'Y', boomLeerlingnummer: '0' }),
      ],
      'm-1',
    );
    await lever(ctx, s.auth, body);
    await lever(ctx, s.auth, body);
    await lever(ctx, s.auth, { berichtId: 'x' });
    const res = await ctx.app.inject({ method: 'GET', url: '/metrics' });
    t.equal(res.statusCode, 200);
    t.match(res.headers['content-type'], /^text\/plain/);
    const text = res.body;
    t.match(text, /boom_aanbiedingen_total\{status="200"\} 1/);
    t.match(text, /boom_aanbiedingen_total\{status="herhaald"\} 1/);
    t.match(text, /boom_aanbiedingen_total\{status="422"\} 1/);
    // The delivery and its replay each went through a batch of one (the 422 never reaches a batch).
    t.match(text, /boom_bundel_aanbiedingen_count 2\n/);
    t.match(text, /boom_bundel_aanbiedingen_sum 2\n/);
    t.match(text, /boom_aanbiedingen_wachtend 0\n/);
    // Both batches timed per phase; the replay was answered after its claim, with nothing to write but COMMIT.
    for (const fase of ['verbinding', 'claim', 'beslissen', 'schrijven']) {
      t.match(text, new RegExp(`boom_bundel_fase_seconden_count\\{fase="${fase}"\\} 2\n`), fase);
      const som = Number(
        new RegExp(`boom_bundel_fase_seconden_sum\\{fase="${fase}"\\} (\\S+)`).exec(text)?.[1],
      );
      t.ok(som > 0 && som < 10, `${fase}: a positive duration in seconds (${som})`);
    }
    // Each result counted once (the replay's are not counted again).
    t.match(text, /boom_resultaten_total\{status="verwerkt"\} 2\n/);
    t.match(text, /boom_resultaten_total\{status="fout"\} 2\n/);
    t.match(text, /boom_foutmeldingen_total\{code="LEERLING_NIET_GEVONDEN"\} 2\n/);
    t.match(
      text,
      /http_request_duration_seconds_count\{method="POST",route="\/v1\/boom\/resultaten",status_code="200"\} 2/,
    );
    t.match(text, /db_pool_connections\{state="total"\} \d+/);
    t.notMatch(text, /4839201/, 'no Boom numbers in metrics');
  },
);
