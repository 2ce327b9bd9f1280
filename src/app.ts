import helmet from '@fastify/helmet';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { beheerRoutes } from './beheer/routes.js';
import { geheugenTeller, type MislukteSleutels } from './boom/mislukte-sleutels.js';
import { boomRoutes } from './boom/routes.js';
import type { Config } from './config.js';
import type { DbHandle } from './db/pool.js';
import { AppError } from './errors.js';
import { healthRoutes } from './health/routes.js';
import { dbPlugin } from './plugins/db.js';
import { docsPlugin } from './plugins/docs.js';
import { metricsPlugin } from './plugins/metrics.js';
import { handleError, sendProblem } from './plugins/problem.js';

export interface AppOptions {
  config: Config;
  db: DbHandle;
  logger: Logger;
  /** The operator token in force (from OPERATOR_TOKEN or ./.data/operator-token). */
  operatorToken: string;
  /** Failed key checks per client; shared through Redis when REDIS_URL is set (server.ts), else per process. */
  mislukteSleutels?: MislukteSleutels;
}

/** Builds the service without side effects: no listening, no migrating. server.ts listens; tests inject. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    bodyLimit: opts.config.BODY_LIMIT_BYTES,
    // Keys such as __proto__ are dropped, as every field outside the contract is.
    onProtoPoisoning: 'remove',
    onConstructorPoisoning: 'remove',
    requestIdHeader: false,
    genReqId: () => crypto.randomUUID(),
    connectionTimeout: 60_000,
    requestTimeout: 60_000,
    keepAliveTimeout: 10_000,
    routerOptions: { ignoreTrailingSlash: true },
    trustProxy: opts.config.TRUST_PROXY,
  });
  const { config } = opts;
  const mislukteSleutels =
    opts.mislukteSleutels ??
    geheugenTeller({
      maxFouten: config.MISLUKTE_SLEUTELS_MAX,
      vensterSeconden: config.MISLUKTE_SLEUTELS_VENSTER_SECONDEN,
    });
  app.addHook('onClose', async () => mislukteSleutels.close());

  app.setErrorHandler(handleError);
  // An empty body sent as JSON (a POST without content, from a client that always sets the header) is no
  // body, not broken JSON. Boom's scope keeps its stricter parser.
  const json = app.getDefaultJsonParser('remove', 'remove');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    json(request, body as string, done);
  });
  app.setNotFoundHandler((request, reply) => sendProblem(request, reply, new AppError('NIET_GEVONDEN')));

  await app.register(helmet, { contentSecurityPolicy: false });
  await app.register(dbPlugin, { handle: opts.db });
  await app.register(metricsPlugin, { pool: opts.db.pool });
  await app.register(docsPlugin);

  // The zod compilers live in this scope, not on the root, so third-party routes keep their own schemas.
  await app.register(async (api) => {
    api.setValidatorCompiler(validatorCompiler);
    api.setSerializerCompiler(serializerCompiler);
    await api.register(healthRoutes);
    await api.register(boomRoutes, {
      prefix: '/v1/boom',
      mislukteSleutels,
      maxMislukteSleutels: config.MISLUKTE_SLEUTELS_MAX,
    });
    await api.register(beheerRoutes, { prefix: '/v1/beheer', operatorToken: opts.operatorToken });
  });

  return app;
}
