import { isIP } from 'node:net';
import { z } from 'zod';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalText = z
  .string()
  .transform((v) => (v.trim() === '' ? undefined : v.trim()))
  .optional();

/** An address, a CIDR, or one of proxy-addr's names for a range (loopback, linklocal, uniquelocal). */
function isProxyAdres(d: string): boolean {
  if (d === 'loopback' || d === 'linklocal' || d === 'uniquelocal') return true;
  const [adres = '', prefix, ...rest] = d.split('/');
  const versie = isIP(adres);
  if (versie === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (versie === 4 ? 32 : 128);
}

/**
 * Variables renamed to English (issue 12: infrastructure is named in English), old name → new name. The old
 * name still works for one release; when both are set, the new one wins. `deprecationNotes` says so at start.
 */
export const RENAMED = {
  ANTWOORDTIJD_MS: 'RESPONSE_DEADLINE_MS',
  BEWAARTERMIJN_BERICHTEN_DAGEN: 'DELIVERY_BODY_RETENTION_DAYS',
  BEWAARTERMIJN_WIJZIGINGEN_DAGEN: 'CHANGE_FEED_RETENTION_DAYS',
  MISLUKTE_SLEUTELS_MAX: 'FAILED_KEYS_MAX',
  MISLUKTE_SLEUTELS_VENSTER_SECONDEN: 'FAILED_KEYS_WINDOW_SECONDS',
} as const;

/** A new name counts as set when it holds more than blanks (compose files often pass `${X:-}`). */
function isSet(v: string | undefined): v is string {
  return v !== undefined && v.trim() !== '';
}

/** Every variable the service reads; nothing else in the code touches process.env. */
const schema = z.object({
  DATABASE_URL: optionalText.pipe(
    z
      .url({
        protocol: /^postgres(ql)?$/,
        error: 'must be a postgres:// or postgresql:// URL (PostgreSQL 15 or later)',
      })
      .optional(),
  ),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  /** `auto`: readable lines on a terminal, JSON lines otherwise (a log collector, a file, a pipe). */
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  OPERATOR_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(5 * 1024 * 1024),
  // A client must send a whole request within REQUEST_TIMEOUT_MS and may stay silent at most
  // CONNECTION_TIMEOUT_MS: a slow or stalled client (slowloris) is cut off instead of holding a socket.
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  DATA_DIR: z.string().min(1).default('.data'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /** Every Boom request is answered within this; a delivery the database cannot take in time gets a 503. */
  RESPONSE_DEADLINE_MS: z.coerce.number().int().min(500).max(120_000).default(10_000),
  /** Batches of larger deliveries (50+ results) written at once (src/boom/ingest.ts); more with more cores. */
  INGEST_PARALLEL: z.coerce.number().int().min(1).max(50).default(2),
  REDIS_URL: optionalText.pipe(
    z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  ),
  /** Days a delivery's body is kept (src/retentie.ts). */
  DELIVERY_BODY_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  /** Days a row of the change feed `wijzigingen` is kept (src/wijzigingen/retentie.ts). */
  CHANGE_FEED_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  /** Failed key checks one client may make per window before further failures get a 429. */
  FAILED_KEYS_MAX: z.coerce.number().int().min(1).default(20),
  FAILED_KEYS_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  /**
   * Behind a load balancer: how many proxies stand in front (a hop count), or their addresses/CIDRs
   * (comma-separated), to take the client address from X-Forwarded-For. Never "trust everything": the
   * leftmost entries are written by the client (docs/operations.md).
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v, ctx): false | number | string => {
      const w = v.trim();
      if (w === '' || w === 'false' || w === '0') return false;
      if (/^\d{1,2}$/.test(w)) return Number(w);
      const delen = w.split(',').map((d) => d.trim());
      if (delen.every(isProxyAdres)) return delen.join(',');
      ctx.addIssue({
        code: 'custom',
        message:
          w === 'true'
            ? '`true` (trust every X-Forwarded-For entry, which the client writes) is not allowed: ' +
              'set the number of proxies in front (e.g. 1) or their addresses/CIDRs'
            : 'must be the number of proxies in front (e.g. 1) or their addresses/CIDRs, comma-separated',
      });
      return z.NEVER;
    }),
});

export type Config = Readonly<z.output<typeof schema>>;

export class ConfigError extends Error {}

/**
 * Parses the environment once; fails naming each bad variable (never its value: it may be a secret). A
 * variable still set under its old name (RENAMED) is read from there unless the new name is set.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: NodeJS.ProcessEnv = { ...env };
  const oudeNaam = new Map<string, string>();
  for (const [oud, nieuw] of Object.entries(RENAMED)) {
    if (env[oud] !== undefined && !isSet(env[nieuw])) {
      input[nieuw] = env[oud];
      oudeNaam.set(nieuw, oud);
    }
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const naam = i.path.join('.');
      const oud = oudeNaam.get(naam);
      return `${oud === undefined ? naam : `${oud} (the old name of ${naam})`}: ${i.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return Object.freeze(parsed.data);
}

/**
 * One line for each variable set under its old name, for the log at start-up: the names only, never a value.
 */
export function deprecationNotes(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.entries(RENAMED)
    .filter(([oud]) => env[oud] !== undefined)
    .map(([oud, nieuw]) =>
      isSet(env[nieuw])
        ? `${oud} is ignored: ${nieuw} is set too and wins; remove ${oud}`
        : `${oud} is deprecated and will stop working in the next release: rename it to ${nieuw}`,
    );
}

/** For the commands: a bad configuration prints what is wrong and exits 78 (EX_CONFIG), no stack trace. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
}
