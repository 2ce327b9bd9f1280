import { z } from 'zod';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalText = z
  .string()
  .transform((v) => (v.trim() === '' ? undefined : v.trim()))
  .optional();

/** Every variable the service reads; nothing else in the code touches process.env. */
const schema = z.object({
  DATABASE_URL: optionalText.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(logLevels).default('info'),
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
  /** Batches of larger deliveries (50+ results) written at once (src/boom/ingest.ts); more with more cores. */
  INGEST_PARALLEL: z.coerce.number().int().min(1).max(50).default(2),
  REDIS_URL: optionalText.pipe(z.url({ protocol: /^rediss?$/ }).optional()),
  BEWAARTERMIJN_BERICHTEN_DAGEN: z.coerce.number().int().min(1).default(30),
  BEWAARTERMIJN_WIJZIGINGEN_DAGEN: z.coerce.number().int().min(1).default(30),
  /** Failed key checks one client may make per window before further failures get a 429. */
  MISLUKTE_SLEUTELS_MAX: z.coerce.number().int().min(1).default(20),
  MISLUKTE_SLEUTELS_VENSTER_SECONDEN: z.coerce.number().int().min(1).default(60),
  /** Behind a load balancer: `true`, or the proxies' addresses/CIDRs (comma-separated) to trust X-Forwarded-For from. */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v): boolean | string => (v === 'true' ? true : v === 'false' || v === '' ? false : v)),
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
