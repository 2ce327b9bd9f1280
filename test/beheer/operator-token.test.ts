import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import t, { type Test } from 'tap';
import { resolveOperatorToken } from '../../src/beheer/operator-token.js';
import { loadConfig } from '../../src/config.js';

const log = pino({ level: 'silent' });

async function map(t: Test) {
  const dir = await mkdtemp(path.join(tmpdir(), 'boomk-token-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return { config: loadConfig({ DATA_DIR: dir }), file: path.join(dir, 'operator-token') };
}

const modus = async (file: string) => (await stat(file)).mode & 0o777;

t.test('a new token file is mode 0600', async (t) => {
  const { config, file } = await map(t);
  const token = await resolveOperatorToken(config, log);
  t.match(token, /^bko_[A-Za-z0-9_-]{43}$/);
  t.equal(await modus(file), 0o600);
  t.equal((await readFile(file, 'utf8')).trim(), token);
  t.equal(await resolveOperatorToken(config, log), token, 'kept on the next start');
});

t.test('a short token in a world-readable file is replaced by a new one in a 0600 file', async (t) => {
  const { config, file } = await map(t);
  await writeFile(file, 'kort\n', { mode: 0o644 });
  t.equal(await modus(file), 0o644);
  const token = await resolveOperatorToken(config, log);
  t.not(token, 'kort');
  t.ok(token.length >= 16);
  t.equal(await modus(file), 0o600);
  t.equal((await readFile(file, 'utf8')).trim(), token);
});

t.test('a valid token in a world-readable file is kept, and the file narrowed to 0600', async (t) => {
  const { config, file } = await map(t);
  await writeFile(file, 'een-geldig-operatortoken-van-een-operator\n', { mode: 0o644 });
  t.equal(await resolveOperatorToken(config, log), 'een-geldig-operatortoken-van-een-operator');
  t.equal(await modus(file), 0o600);
});
