import helmet from '@fastify/helmet';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { beheerRoutes } from './beheer/routes.js';
import { STANDAARD_INGEST } from './boom/ingest.js';
import { inMemoryCounter, type MislukteSleutels } from './boom/mislukte-sleutels.js';
import { boomRoutes } from './boom/routes.js';
import type { Config } from './config.js';
import type { DbHandle } from './db/pool.js';
import { AppError } from './errors.js';
import { healthRoutes } from './health/routes.js';
import { leesRest } from './plugins/body-rest.js';
import { dbPlugin } from './plugins/db.js';
import { docsPlugin } from './plugins/docs.js';
import { documenteerFouten } from './plugins/error-docs.js';
import { clientErrorHandler, frameworkErrors, nietGevonden } from './plugins/framework.js';
import { registreerJsonParser } from './plugins/json-body.js';
import { metricsPlugin } from './plugins/metrics.js';
import { handleError } from './plugins/problem.js';
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

/**
 * TRUST_PROXY as Fastify takes it. A hop count trusts the socket's peer and the entries of X-Forwarded-For
 * up to that many from the right (Fastify's own number form trusts nothing since 5.x): the client address is
 * the one the outermost proxy appended, whatever the client wrote before it.
 */
function vertrouwdeProxies(
  tp: Config['TRUST_PROXY'],
): false | string | ((adres: string, hop: number) => boolean) {
  return typeof tp === 'number' ? (_adres, hop) => hop < tp : tp;
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
    trustProxy: vertrouwdeProxies(opts.config.TRUST_PROXY),
    // What the framework answers itself (a bad URL, a too long path parameter, unparseable HTTP) is
    // problem+json from the catalogue too.
    frameworkErrors,
    clientErrorHandler,
    // While the server closes, a request that still arrives on a kept-alive connection gets the 503 below,
    // problem+json like every rejection (Fastify's own is plain JSON).
    return503OnClosing: false,
  });
  const { config } = opts;
  const mislukteSleutels =
    opts.mislukteSleutels ??
    inMemoryCounter({
      maxFouten: config.FAILED_KEYS_MAX,
      vensterSeconden: config.FAILED_KEYS_WINDOW_SECONDS,
    });
  app.addHook('onClose', async () => mislukteSleutels.close());

  app.setErrorHandler(async (err, request, reply) => {
    await leesRest(request, reply);
    return handleError(err, request, reply);
  });
  let sluit = false;
  app.addHook('preClose', async () => {
    sluit = true;
  });
  app.addHook('onRequest', async () => {
    if (!sluit) return;
    throw new AppError('NIET_BESCHIKBAAR', {
      detail: 'De dienst stopt; probeer het zo opnieuw',
      headers: { 'retry-after': '5', connection: 'close' },
    });
  });
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
  app.setNotFoundHandler(nietGevonden);

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
    // Every route documents its errors by status and code (plugins/error-docs.ts).
    api.addHook('onRoute', documenteerFouten);
    // Readiness watches the ingest, which lives in Boom's scope. Probed every few seconds by an
    // orchestrator: a request line only when something goes wrong.
    let oudsteAanbieding = () => 0;
    await api.register(healthRoutes, {
      logLevel: 'warn',
      antwoordtijdMs: config.RESPONSE_DEADLINE_MS,
      oudsteAanbieding: () => oudsteAanbieding(),
    });
    await api.register(boomRoutes, {
      prefix: '/v1/boom',
      mislukteSleutels,
      maxMislukteSleutels: config.FAILED_KEYS_MAX,
      ingest: {
        ...STANDAARD_INGEST,
        parallel: config.INGEST_PARALLEL,
        antwoordtijdMs: config.RESPONSE_DEADLINE_MS,
      },
      bijIngest: (ingest) => {
        oudsteAanbieding = ingest.oudste;
      },
    });
    await api.register(beheerRoutes, { prefix: '/v1/beheer', operatorToken: opts.operatorToken });
  });

  return app;
}
