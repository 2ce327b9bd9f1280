import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { nieuweSleutel } from '../sleutels.js';

/**
 * The operator token in force: OPERATOR_TOKEN when set; otherwise the one in DATA_DIR/operator-token,
 * made on first start. The file is mode 0600 whatever it was before: a kept token's file is narrowed, a
 * new token is written to a fresh 0600 file that replaces the old one. The token itself never reaches
 * the log, only where it is.
 */
export async function resolveOperatorToken(config: Config, log: Logger): Promise<string> {
  if (config.OPERATOR_TOKEN) return config.OPERATOR_TOKEN;
  const file = path.resolve(config.DATA_DIR, 'operator-token');
  try {
    const token = (await readFile(file, 'utf8')).trim();
    if (token.length >= 16) {
      const mode = (await stat(file)).mode & 0o777;
      if (mode !== 0o600) {
        await chmod(file, 0o600);
        log.warn(
          { file, mode: mode.toString(8) },
          'operator token file was readable by others; now mode 0600',
        );
      }
      return token;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(path.dirname(file), { recursive: true });
  const token = nieuweSleutel('bko');
  // A new file (so the old one's mode is not kept), renamed over the old one: never a moment readable.
  const tijdelijk = `${file}.${process.pid}.tmp`;
  await rm(tijdelijk, { force: true });
  await writeFile(tijdelijk, `${token}\n`, { mode: 0o600, flag: 'wx' });
  await rename(tijdelijk, file);
  log.info({ file }, 'operator token created; read it from this file');
  return token;
}
