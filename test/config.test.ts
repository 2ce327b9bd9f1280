import t from 'tap';
import { ConfigError, deprecationNotes, loadConfig, RENAMED } from '../src/config.js';

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

t.test('renamed variables: the old name still works for one release, the new one wins', async (t) => {
  const oud = {
    ANTWOORDTIJD_MS: '2500',
    BEWAARTERMIJN_BERICHTEN_DAGEN: '7',
    BEWAARTERMIJN_WIJZIGINGEN_DAGEN: '8',
    MISLUKTE_SLEUTELS_MAX: '5',
    MISLUKTE_SLEUTELS_VENSTER_SECONDEN: '9',
  };
  t.match(loadConfig(oud), {
    RESPONSE_DEADLINE_MS: 2500,
    DELIVERY_BODY_RETENTION_DAYS: 7,
    CHANGE_FEED_RETENTION_DAYS: 8,
    FAILED_KEYS_MAX: 5,
    FAILED_KEYS_WINDOW_SECONDS: 9,
  });
  const nieuw = {
    RESPONSE_DEADLINE_MS: '3000',
    DELIVERY_BODY_RETENTION_DAYS: '14',
    CHANGE_FEED_RETENTION_DAYS: '15',
    FAILED_KEYS_MAX: '6',
    FAILED_KEYS_WINDOW_SECONDS: '16',
  };
  const beide = loadConfig({ ...oud, ...nieuw });
  t.match(beide, {
    RESPONSE_DEADLINE_MS: 3000,
    DELIVERY_BODY_RETENTION_DAYS: 14,
    CHANGE_FEED_RETENTION_DAYS: 15,
    FAILED_KEYS_MAX: 6,
    FAILED_KEYS_WINDOW_SECONDS: 16,
  });
  t.same(
    Object.keys(beide).filter((k) => k in oud),
    [],
    'the config has the new names only',
  );
  t.match(loadConfig({}), {
    RESPONSE_DEADLINE_MS: 10_000,
    DELIVERY_BODY_RETENTION_DAYS: 30,
    CHANGE_FEED_RETENTION_DAYS: 30,
    FAILED_KEYS_MAX: 20,
    FAILED_KEYS_WINDOW_SECONDS: 60,
  });
  // A blank new name (compose's `${X:-}`) is unset: the old one is read.
  t.equal(loadConfig({ ANTWOORDTIJD_MS: '2500', RESPONSE_DEADLINE_MS: ' ' }).RESPONSE_DEADLINE_MS, 2500);
});

t.test(
  'a bad value under an old name is reported under the name that was set, without the value',
  async (t) => {
    const err = t.throws(() => loadConfig({ ANTWOORDTIJD_MS: '99', FAILED_KEYS_MAX: '0' })) as Error;
    t.type(err, ConfigError);
    t.match(err.message, /ANTWOORDTIJD_MS \(the old name of RESPONSE_DEADLINE_MS\):/);
    t.match(err.message, /\n {2}FAILED_KEYS_MAX:/);
    t.notMatch(err.message, /99/);
    // The new name wins, so a bad old value beside a good new one is not read at all.
    t.equal(loadConfig({ ANTWOORDTIJD_MS: 'x', RESPONSE_DEADLINE_MS: '800' }).RESPONSE_DEADLINE_MS, 800);
  },
);

t.test('deprecationNotes: one line per old name in use, names only', async (t) => {
  t.same(deprecationNotes({}), []);
  t.same(deprecationNotes({ RESPONSE_DEADLINE_MS: '3000' }), []);
  const notes = deprecationNotes({
    ANTWOORDTIJD_MS: '2500',
    MISLUKTE_SLEUTELS_MAX: '5',
    FAILED_KEYS_MAX: '6',
  });
  t.same(notes, [
    'ANTWOORDTIJD_MS is deprecated and will stop working in the next release: rename it to RESPONSE_DEADLINE_MS',
    'MISLUKTE_SLEUTELS_MAX is ignored: FAILED_KEYS_MAX is set too and wins; remove MISLUKTE_SLEUTELS_MAX',
  ]);
  t.notMatch(notes.join('\n'), /2500|5|6/);
  t.same(Object.keys(RENAMED).length, 5);
});
