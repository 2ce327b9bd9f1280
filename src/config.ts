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
  ANTWOORDTIJD_MS: z.coerce.number().int().min(500).max(120_000).default(10_000),
  /** Batches of larger deliveries (50+ results) written at once (src/boom/ingest.ts); more with more cores. */
  INGEST_PARALLEL: z.coerce.number().int().min(1).max(50).default(2),
  REDIS_URL: optionalText.pipe(
    z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  ),
  BEWAARTERMIJN_BERICHTEN_DAGEN: z.coerce.number().int().min(1).default(30),
  BEWAARTERMIJN_WIJZIGINGEN_DAGEN: z.coerce.number().int().min(1).default(30),
  /** Failed key checks one client may make per window before further failures get a 429. */
  MISLUKTE_SLEUTELS_MAX: z.coerce.number().int().min(1).default(20),
  MISLUKTE_SLEUTELS_VENSTER_SECONDEN: z.coerce.number().int().min(1).default(60),
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

/** Parses the environment once; fails naming each bad variable (never its value: it may be a secret). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return Object.freeze(parsed.data);
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
