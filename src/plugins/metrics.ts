import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type pg from 'pg';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  aanbiedingen: Counter<'status'>;
  resultaten: Counter<'status'>;
  fouten: Counter<'code'>;
  /** Deliveries per batch written in one transaction (src/db/bundelaar.ts). */
  bundelGrootte: Histogram;
  /** Deliveries waiting for a batch when the last batch started. */
  wachtendeAanbiedingen: Gauge;
  /** How long each phase of a batch took (src/boom/ingest.ts, `BundelFase`). */
  bundelFase: Histogram<'fase'>;
  /** Boom requests refused for a missing or wrong signature (401 HANDTEKENING_ONGELDIG), never recorded. */
  handtekeningGeweigerd: Counter;
  /** Deliveries taken out of a batch to wait for a lock in their school's own lane (src/boom/ingest.ts). */
  uitgesteld: Counter;
  /** How long (ms) the oldest delivery in the ingest has waited for its answer; set by Boom's routes. */
  oudsteAanbieding: () => number;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

/** Prometheus metrics at GET /metrics: deliveries, results and errors, request durations, pool usage. */
export const metricsPlugin = fp<{ pool: pg.Pool }>(
  async (app: FastifyInstance, { pool }) => {
    // One registry per app, so several apps in one process (tests) do not share counters.
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const metrics: Metrics = {
      registry,
      aanbiedingen: new Counter({
        name: 'boom_aanbiedingen_total',
        help: 'Deliveries from Boom by HTTP status (a replay counts as "herhaald")',
        labelNames: ['status'],
        registers: [registry],
      }),
      resultaten: new Counter({
        name: 'boom_resultaten_total',
        help: 'Results handled, by outcome (verwerkt, dubbel, verouderd, overgeslagen, fout)',
        labelNames: ['status'],
        registers: [registry],
      }),
      fouten: new Counter({
        name: 'boom_foutmeldingen_total',
        help: 'Results recorded as an error for operators, by code',
        labelNames: ['code'],
        registers: [registry],
      }),
      bundelGrootte: new Histogram({
        name: 'boom_bundel_aanbiedingen',
        help: 'Deliveries written together in one transaction (batches of INGEST_PARALLEL)',
        buckets: [1, 2, 5, 10, 20, 50, 100],
        registers: [registry],
      }),
      wachtendeAanbiedingen: new Gauge({
        name: 'boom_aanbiedingen_wachtend',
        help: 'Deliveries that waited for a batch when the last batch started',
        registers: [registry],
      }),
      bundelFase: new Histogram({
        name: 'boom_bundel_fase_seconden',
        help: 'Phases of a batch: verbinding (a free connection), claim (BEGIN, locks and lookups), beslissen (in node), schrijven (writes and COMMIT)',
        labelNames: ['fase'],
        buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
        registers: [registry],
      }),
      handtekeningGeweigerd: new Counter({
        name: 'boom_handtekening_geweigerd_total',
        help: 'Boom requests refused for a missing or wrong webhook signature on a koppeling that signs (401 HANDTEKENING_ONGELDIG)',
        registers: [registry],
      }),
      uitgesteld: new Counter({
        name: 'boom_aanbiedingen_uitgesteld_total',
        help: "Deliveries that waited for a lock another transaction held on their school's result key or berichtId, in their school's own lane",
        registers: [registry],
      }),
      oudsteAanbieding: () => 0,
    };
    new Gauge({
      name: 'boom_aanbieding_oudste_seconden',
      help: 'How long the oldest delivery in the ingest has waited for its answer (above RESPONSE_DEADLINE_MS: wedged)',
      registers: [registry],
      collect() {
        this.set(metrics.oudsteAanbieding() / 1000);
      },
    });
    const duur = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Request duration by route and status',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    new Gauge({
      name: 'db_pool_connections',
      help: 'Database pool connections by state',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
    app.decorate('metrics', metrics);
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'onbekend';
      duur.observe(
        { method: request.method, route, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });
    // Scraped every few seconds: logged only when something goes wrong, like the health probes.
    app.get('/metrics', { schema: { hide: true }, logLevel: 'warn' }, async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'metrics' },
);
