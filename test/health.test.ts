import t from 'tap';
import { buildTestApp } from './helpers/app.js';

t.test('live and ready answer 200 while the database answers', async (t) => {
  const { app } = await buildTestApp(t);
  const live = await app.inject({ method: 'GET', url: '/health/live' });
  t.equal(live.statusCode, 200);
  t.same(live.json(), { status: 'ok' });
  const ready = await app.inject({ method: 'GET', url: '/health/ready' });
  t.equal(ready.statusCode, 200);
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
  t.ok(post.responses['4XX'].content['application/problem+json'].schema, 'errors as problem+json');
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

t.test(
  'readiness is 503 while a delivery has waited longer than ANTWOORDTIJD_MS (a wedged ingest)',
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
    app.decorate('begrensdeDb', echt.begrensdeDb);
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
