import t from 'tap';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { buildTestApp } from './helpers/app.js';

t.test('live and ready answer 200 while the database answers', async (t) => {
  const { app } = await buildTestApp(t);
  const live = await app.inject({ method: 'GET', url: '/health/live' });
  t.equal(live.statusCode, 200);
  t.same(live.json(), { status: 'ok' });
  const ready = await app.inject({ method: 'GET', url: '/health/ready' });
  t.equal(ready.statusCode, 200);
});

t.test('health polls leave no line in the log at info; other requests do (issue 13)', async (t) => {
  const regels: string[] = [];
  const logger = createLogger(loadConfig({ LOG_LEVEL: 'info', LOG_FORMAT: 'json' }), {
    write: (regel: string) => {
      regels.push(regel);
    },
  });
  const { app } = await buildTestApp(t, {}, { logger });
  regels.length = 0;
  for (const url of ['/health/live', '/health/ready', '/health/ready']) {
    t.equal((await app.inject({ method: 'GET', url })).statusCode, 200, url);
  }
  t.same(
    regels.filter((r) => r.includes('/health')),
    [],
    'no line for a health poll',
  );
  await app.inject({ method: 'GET', url: '/v1/bestaat-niet' });
  t.ok(
    regels.some((r) => r.includes('/v1/bestaat-niet')),
    'a request elsewhere is logged at info',
  );
});

t.test('the OpenAPI 3.1 document is served at /docs/json', async (t) => {
  const { app } = await buildTestApp(t);
  const res = await app.inject({ method: 'GET', url: '/docs/json' });
  t.equal(res.statusCode, 200);
  const doc = res.json();
  t.equal(doc.openapi, '3.1.0');
  t.ok(doc.paths['/health/ready'], 'documents the health route');
  const post = doc.paths['/v1/boom/resultaten'].post;
  t.ok(post.requestBody.content['application/json'].schema, 'the Boom payload, from the zod schema');
  t.ok(post.responses['200'], 'the answer');
  t.ok(post.responses['422'].content['application/problem+json'].schema, 'errors as problem+json');
  t.same(doc.servers, [{ url: '/', description: 'Deze dienst' }], 'a server entry: the instance serving it');
  t.ok(doc.paths['/v1/beheer/fouten'].get.parameters.some((p: { name: string }) => p.name === 'cursor'));
  const ui = await app.inject({ method: 'GET', url: '/docs' });
  t.ok(ui.statusCode === 200 || ui.statusCode === 302, 'serves the browsable reference');
});

t.test('an unknown route is a problem+json 404', async (t) => {
  const { app } = await buildTestApp(t);
  const res = await app.inject({ method: 'GET', url: '/nergens' });
  t.equal(res.statusCode, 404);
  t.match(res.headers['content-type'], /^application\/problem\+json/);
  t.match(res.json(), { status: 404, code: 'NIET_GEVONDEN' });
});

t.test('the OpenAPI document names every code Boom and operators can meet', async (t) => {
  const { app } = await buildTestApp(t);
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
  const codes = (operation: {
    responses: Record<
      string,
      { content?: Record<string, { schema: { properties?: { code?: { enum?: string[] } } } }> }
    >;
  }) =>
    Object.fromEntries(
      Object.entries(operation.responses)
        .filter(([status]) => Number(status) >= 400)
        .map(([status, r]) => [
          status,
          r.content?.['application/problem+json']?.schema.properties?.code?.enum ?? [],
        ]),
    );

  // A result's fout: the five codes of the contract, listed, not a bare string.
  const resultaten = doc.paths['/v1/boom/resultaten'].post;
  const uitkomst = resultaten.responses['200'].content['application/json'].schema;
  const fout = JSON.stringify(uitkomst);
  for (const code of [
    'LEERLING_NIET_GEVONDEN',
    'TOETS_NIET_GEVONDEN',
    'TOETSONDERDEEL_NIET_GEVONDEN',
    'GEEN_TOETSDOEL',
    'REVISIE_CONFLICT',
  ]) {
    t.ok(fout.includes(`"${code}"`), `the answer's fout.code lists ${code}`);
  }

  // Each error status of a route names its codes, and every catalogue code a route can answer is there.
  t.match(codes(resultaten), {
    '400': ['ONGELDIGE_AANVRAAG', 'ONGELDIGE_JSON', 'ONGELDIGE_URL'],
    '401': ['HANDTEKENING_ONGELDIG', 'NIET_GEAUTORISEERD'],
    '405': ['METHODE_NIET_TOEGESTAAN'],
    '408': ['AANVRAAG_TE_TRAAG'],
    '414': ['URI_TE_LANG'],
    '431': ['HEADERS_TE_GROOT'],
    '409': ['BERICHT_ID_HERGEBRUIKT'],
    '413': ['TE_GROOT'],
    '415': ['CONTENT_TYPE_NIET_ONDERSTEUND'],
    '422': ['VALIDATIE_MISLUKT'],
    '429': ['TE_VEEL_VERZOEKEN'],
    '500': ['INTERNE_FOUT'],
    '503': ['ANTWOORDTIJD_VERSTREKEN', 'DATABASE_ONBEREIKBAAR', 'NIET_BESCHIKBAAR'],
  });
  t.notOk(codes(resultaten)['404'], 'no 404 for a route with no id in its path');
  t.match(codes(doc.paths['/v1/beheer/scholen/{schoolId}/leerlingen/{leerlingId}'].put), {
    '401': ['OPERATOR_NIET_GEAUTORISEERD'],
    '404': ['NIET_GEVONDEN'],
    '409': ['BOOM_NUMMER_IN_GEBRUIK'],
  });
  t.match(codes(doc.paths['/v1/beheer/fouten/{id}/negeren'].post), { '409': ['FOUT_NIET_OPEN'] });
  t.match(codes(doc.paths['/v1/boom/koppeling'].post)['401'], [
    'HANDTEKENING_ONGELDIG',
    'NIET_GEAUTORISEERD',
  ]);
  t.notOk(codes(doc.paths['/v1/boom/koppeling'].post)['409'], 'the handshake has no berichtId to reuse');
  // Every code of the catalogue is answered by some route, and so documented there.
  const { catalogue } = await import('../src/errors.js');
  const gedocumenteerd = new Set<string>();
  for (const pad of Object.values(doc.paths) as Array<Record<string, Parameters<typeof codes>[0]>>) {
    for (const operation of Object.values(pad)) {
      for (const lijst of Object.values(codes(operation))) for (const c of lijst) gedocumenteerd.add(c);
    }
  }
  t.same([...gedocumenteerd].sort(), Object.keys(catalogue).sort(), 'every catalogue code is documented');
  t.notOk(codes(doc.paths['/v1/boom/resultaten'].post)['401']?.includes('OPERATOR_NIET_GEAUTORISEERD'));
});

t.test(
  'readiness is 503 while a delivery has waited longer than RESPONSE_DEADLINE_MS (a wedged ingest)',
  async (t) => {
    const Fastify = (await import('fastify')).default;
    const { serializerCompiler, validatorCompiler } = await import('fastify-type-provider-zod');
    const { healthRoutes } = await import('../src/health/routes.js');
    const { handleError } = await import('../src/plugins/problem.js');
    const { app: echt } = await buildTestApp(t);
    let oudste = 0;
    const app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.setErrorHandler(handleError);
    app.decorate('db', echt.db);
    await app.register(healthRoutes, { antwoordtijdMs: 1000, oudsteAanbieding: () => oudste });
    t.teardown(() => app.close());
    t.equal((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200);
    oudste = 1001;
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    t.equal(res.statusCode, 503);
    t.equal(res.headers['retry-after'], '5');
    t.match(res.json(), { code: 'DATABASE_ONBEREIKBAAR' });
    oudste = 999;
    t.equal((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200);
  },
);
