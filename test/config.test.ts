import t from 'tap';
import { ConfigError, loadConfig } from '../src/config.js';

t.test('defaults: nothing needs configuring', async (t) => {
  const c = loadConfig({});
  t.match(c, {
    HOST: '0.0.0.0',
    PORT: 3000,
    LOG_LEVEL: 'info',
    BODY_LIMIT_BYTES: 5 * 1024 * 1024,
    DATA_DIR: '.data',
  });
  t.equal(c.DATABASE_URL, undefined);
  t.equal(c.OPERATOR_TOKEN, undefined);
  t.ok(Object.isFrozen(c));
});

t.test('a bad variable fails fast, naming the variable but never echoing its value', async (t) => {
  const err = t.throws(() =>
    loadConfig({ DATABASE_URL: 'mysql://geheim@x/y', PORT: 'drieduizend', OPERATOR_TOKEN: 'kort' }),
  ) as Error;
  t.type(err, ConfigError);
  t.match(err.message, /DATABASE_URL/);
  t.match(err.message, /PORT/);
  t.match(err.message, /OPERATOR_TOKEN/);
  t.notMatch(err.message, /geheim|drieduizend|kort/);
});

t.test('empty values count as unset', async (t) => {
  const c = loadConfig({ DATABASE_URL: '', OPERATOR_TOKEN: ' ', REDIS_URL: '' });
  t.equal(c.DATABASE_URL, undefined);
  t.equal(c.OPERATOR_TOKEN, undefined);
  t.equal(c.REDIS_URL, undefined);
});

t.test('a database URL of another kind says which scheme is wanted', async (t) => {
  const err = t.throws(() => loadConfig({ DATABASE_URL: 'mysql://x@db/boom' })) as Error;
  t.match(err.message, /DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
  const redis = t.throws(() => loadConfig({ REDIS_URL: 'http://cache:6379' })) as Error;
  t.match(redis.message, /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
});

t.test('LOG_FORMAT: auto by default, json or pretty when asked, nothing else', async (t) => {
  t.equal(loadConfig({}).LOG_FORMAT, 'auto');
  t.equal(loadConfig({ LOG_FORMAT: 'json' }).LOG_FORMAT, 'json');
  t.throws(() => loadConfig({ LOG_FORMAT: 'xml' }), /LOG_FORMAT/);
});
