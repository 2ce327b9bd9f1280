import helmet from '@fastify/helmet';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { beheerRoutes } from './beheer/routes.js';
import { STANDAARD_INGEST } from './boom/ingest.js';
import { geheugenTeller, type MislukteSleutels } from './boom/mislukte-sleutels.js';
import { boomRoutes } from './boom/routes.js';
import type { Config } from './config.js';
import type { DbHandle } from './db/pool.js';
import { AppError, problemSchema } from './errors.js';
import { healthRoutes } from './health/routes.js';
import { dbPlugin } from './plugins/db.js';
import { docsPlugin } from './plugins/docs.js';
import { registreerJsonParser } from './plugins/json-body.js';
import { metricsPlugin } from './plugins/metrics.js';
import { handleError, sendProblem } from './plugins/problem.js';
import { uiPlugin } from './ui/plugin.js';

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
    connectionTimeout: opts.config.CONNECTION_TIMEOUT_MS,
    requestTimeout: opts.config.REQUEST_TIMEOUT_MS,
    // Node checks requestTimeout only every connectionsCheckingInterval (30 s by default), so a short
    // timeout needs a shorter check; the default configuration keeps Node's default.
    http: {
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, opts.config.REQUEST_TIMEOUT_MS / 2)),
    },
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
  // body, not broken JSON. Boom's scope registers the same parser with its stricter rule.
  app.removeContentTypeParser('application/json');
  registreerJsonParser(app, () => true);
  // Node's requestTimeout stops counting once the headers are in (Node 20): a client that trickles its body
  // byte by byte would hold the socket for ever. The whole request must arrive within REQUEST_TIMEOUT_MS.
  app.addHook('onRequest', (request, _reply, done) => {
    const raw = request.raw;
    // `complete` is a boolean on a real socket's request (inject's stand-in has none: nothing to guard).
    if (raw.complete === false) {
      const timer = setTimeout(() => {
        if (!raw.complete) raw.destroy();
      }, opts.config.REQUEST_TIMEOUT_MS).unref();
      raw.once('close', () => clearTimeout(timer));
    }
    done();
  });
  app.setNotFoundHandler((request, reply) => sendProblem(request, reply, new AppError('NIET_GEVONDEN')));

  // A strict CSP for every answer, the BOOM TESTCENTRUM page first: only files from this origin, no inline
  // script or style, no frames, nothing sent elsewhere. /docs (swagger-ui) lives with it too: its scripts
  // and styles are files, its icons data: images.
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
      },
    },
  });
  await app.register(dbPlugin, { handle: opts.db });
  await app.register(metricsPlugin, { pool: opts.db.pool });
  await app.register(docsPlugin);
  await app.register(uiPlugin);

  // The zod compilers live in this scope, not on the root, so third-party routes keep their own schemas.
  await app.register(async (api) => {
    api.setValidatorCompiler(validatorCompiler);
    api.setSerializerCompiler(serializerCompiler);
    // Every route documents its errors: problem+json, rendered by plugins/problem.ts (not this serializer).
    api.addHook('onRoute', (route) => {
      const probleem = {
        description: 'Fout (problem+json)',
        content: { 'application/problem+json': { schema: problemSchema } },
      };
      route.schema = {
        ...route.schema,
        response: { ...(route.schema?.response as object), '4XX': probleem, '5XX': probleem },
      };
    });
    await api.register(healthRoutes);
    await api.register(boomRoutes, {
      prefix: '/v1/boom',
      mislukteSleutels,
      maxMislukteSleutels: config.MISLUKTE_SLEUTELS_MAX,
      ingest: { ...STANDAARD_INGEST, parallel: config.INGEST_PARALLEL },
    });
    await api.register(beheerRoutes, { prefix: '/v1/beheer', operatorToken: opts.operatorToken });
  });

  return app;
}
