import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { nieuweSleutel } from '../sleutels.js';

/**
 * The operator token in force: OPERATOR_TOKEN when set; otherwise the one in DATA_DIR/operator-token,
 * made on first start (mode 0600). The token itself never reaches the log, only where it is.
 */
export async function resolveOperatorToken(config: Config, log: Logger): Promise<string> {
  if (config.OPERATOR_TOKEN) return config.OPERATOR_TOKEN;
  const file = path.resolve(config.DATA_DIR, 'operator-token');
  try {
    const token = (await readFile(file, 'utf8')).trim();
    if (token.length >= 16) return token;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(path.dirname(file), { recursive: true });
  const token = nieuweSleutel('bko');
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  log.info({ file }, 'operator token created; read it from this file');
  return token;
}
