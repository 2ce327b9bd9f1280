import t from 'tap';
import { ConfigError, loadConfig } from '../../src/config.js';
import { buildTestApp } from '../helpers/app.js';

const FOUT = { authorization: 'Bearer bk_geraden' };

/** Failed keys through a proxy at 10.0.0.1 that appends the client's address to X-Forwarded-For. */
async function viaProxy(app: Awaited<ReturnType<typeof buildTestApp>>['app'], client: string, n: number) {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/boom/koppeling',
      remoteAddress: '10.0.0.1',
      // What the client wrote itself, different every time, then what the proxy appended.
      headers: { ...FOUT, 'x-forwarded-for': `198.51.100.${i}, ${client}` },
    });
    statuses.push(res.statusCode);
  }
  return statuses;
}

for (const TRUST_PROXY of ['1', '10.0.0.0/8']) {
  t.test(`TRUST_PROXY=${TRUST_PROXY}: a client varying X-Forwarded-For still gets a 429`, async (t) => {
    const { app } = await buildTestApp(t, { FAILED_KEYS_MAX: '3', TRUST_PROXY });
    t.same(await viaProxy(app, '203.0.113.5', 6), [401, 401, 401, 429, 429, 429]);
    t.same(
      await viaProxy(app, '203.0.113.6', 1),
      [401],
      'another client behind the same proxy has its own count',
    );
  });
}

t.test('with proxies named by address, a direct client cannot choose its address', async (t) => {
  const { app } = await buildTestApp(t, { FAILED_KEYS_MAX: '2', TRUST_PROXY: '10.0.0.0/8' });
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/boom/koppeling',
      remoteAddress: '192.0.2.7',
      headers: { ...FOUT, 'x-forwarded-for': `198.51.100.${i}` },
    });
    statuses.push(res.statusCode);
  }
  t.same(statuses, [401, 401, 429, 429]);
});

t.test('TRUST_PROXY: a hop count or addresses/CIDRs; `true` is refused at start', async (t) => {
  t.equal(loadConfig({}).TRUST_PROXY, false);
  t.equal(loadConfig({ TRUST_PROXY: '' }).TRUST_PROXY, false);
  t.equal(loadConfig({ TRUST_PROXY: '0' }).TRUST_PROXY, false);
  t.equal(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY, 2);
  t.equal(
    loadConfig({ TRUST_PROXY: ' 10.0.0.0/8, fd00::/8,192.0.2.1 ' }).TRUST_PROXY,
    '10.0.0.0/8,fd00::/8,192.0.2.1',
  );
  const waar = t.throws(() => loadConfig({ TRUST_PROXY: 'true' })) as Error;
  t.type(waar, ConfigError);
  t.match(
    waar.message,
    /TRUST_PROXY: `true` .* is not allowed: set the number of proxies in front \(e\.g\. 1\) or their addresses\/CIDRs/,
  );
  for (const fout of ['*', '10.0.0.0/33', 'proxy.example', '1.5', '-1']) {
    t.throws(() => loadConfig({ TRUST_PROXY: fout }), /TRUST_PROXY: must be the number of proxies/, fout);
  }
});
