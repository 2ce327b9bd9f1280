import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import t from 'tap';
import { controleerHandtekening, isGeldigGeheim } from '../../src/boom/handtekening.js';
import { nieuwOndertekengeheim } from '../../src/sleutels.js';
import { buildTestApp } from '../helpers/app.js';
import { lever } from '../helpers/boom.js';
import { aanbieding, resultaat, standaardSchool } from '../helpers/fixtures.js';

// Standard Webhooks v1 signatures, checked against the public vectors (a copy of ../shared/vectors in test/vectors).
const vectors = JSON.parse(
  readFileSync(new URL('../vectors/standard-webhooks.json', import.meta.url), 'utf8'),
) as {
  sign: Array<{ secret: string; id: string; timestamp: number; payload: string; signature: string }>;
  must_fail_signatures_for_first_vector: string[];
};

function headers(id: string, ts: number, signature: string) {
  return { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signature };
}

t.test('the public vectors verify, at their own time', async (t) => {
  for (const v of vectors.sign) {
    const clock = t.capture(Date, 'now', () => v.timestamp * 1000 + 1_000);
    t.doesNotThrow(
      () => controleerHandtekening([v.secret], v.payload, headers(v.id, v.timestamp, v.signature)),
      v.id,
    );
    // Without the prefix it is the same secret.
    const bare = v.secret.replace(/^whsec_/, '');
    t.doesNotThrow(() => controleerHandtekening([bare], v.payload, headers(v.id, v.timestamp, v.signature)));
    clock();
  }
});

t.test('wrong, truncated and decoy signatures fail; any matching v1 entry passes', async (t) => {
  const v = vectors.sign[0]!;
  t.capture(Date, 'now', () => v.timestamp * 1000);
  for (const bad of vectors.must_fail_signatures_for_first_vector) {
    t.throws(
      () => controleerHandtekening([v.secret], v.payload, headers(v.id, v.timestamp, bad)),
      { code: 'HANDTEKENING_ONGELDIG' },
      bad,
    );
  }
  const decoy = 'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=';
  const multi = `${decoy} v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= ${v.signature} ${decoy}`;
  t.doesNotThrow(() => controleerHandtekening([v.secret], v.payload, headers(v.id, v.timestamp, multi)));
  t.throws(
    () => controleerHandtekening([v.secret], `${v.payload} `, headers(v.id, v.timestamp, v.signature)),
    'body changed',
  );
  t.throws(
    () => controleerHandtekening([v.secret], v.payload, headers('msg_other', v.timestamp, v.signature)),
    'id changed',
  );
});

t.test('timestamps: 5 minutes either way, no more; missing headers fail', async (t) => {
  const secret = nieuwOndertekengeheim();
  const wh = new Webhook(secret);
  const now = Math.floor(Date.now() / 1000);
  const sign = (ts: number) => wh.sign('msg_1', new Date(ts * 1000), '{}');
  // 10 s from each edge: the check reads the clock again, and on a loaded machine a second boundary may
  // pass in between (with ±1 s margins that would fail the test).
  t.doesNotThrow(() => controleerHandtekening([secret], '{}', headers('msg_1', now - 290, sign(now - 290))));
  t.doesNotThrow(() => controleerHandtekening([secret], '{}', headers('msg_1', now + 290, sign(now + 290))));
  t.throws(
    () => controleerHandtekening([secret], '{}', headers('msg_1', now - 310, sign(now - 310))),
    'too old',
  );
  t.throws(
    () => controleerHandtekening([secret], '{}', headers('msg_1', now + 310, sign(now + 310))),
    'too new',
  );
  t.throws(() =>
    controleerHandtekening([secret], '{}', {
      ...headers('msg_1', now, sign(now)),
      'webhook-timestamp': 'hello',
    }),
  );
  for (const missing of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
    const h: Record<string, string> = headers('msg_1', now, sign(now));
    delete h[missing];
    t.throws(() => controleerHandtekening([secret], '{}', h), missing);
  }
  t.notOk(isGeldigGeheim(''));
  t.notOk(isGeldigGeheim('whsec_'));
  t.ok(isGeldigGeheim(secret));
});

t.test('a koppeling with a signing secret only takes signed deliveries; others are unaffected', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const secret = nieuwOndertekengeheim();
  await ctx.sql.query('INSERT INTO koppeling_ondertekening (school_id, ondertekengeheim) VALUES ($1, $2)', [
    s.schoolId,
    secret,
  ]);
  const payload = JSON.stringify(aanbieding([resultaat()], 'signed-1'));
  const unsigned = await lever(ctx, { ...s.auth, 'content-type': 'application/json' }, payload);
  t.equal(unsigned.statusCode, 401);
  t.match(unsigned.json(), { code: 'HANDTEKENING_ONGELDIG' });
  t.equal((await ctx.sql.query('SELECT 1 FROM toetsresultaten')).rowCount, 0);
  const now = new Date();
  const signature = new Webhook(secret).sign('msg_signed_1', now, payload);
  const signed = await lever(
    ctx,
    {
      ...s.auth,
      'content-type': 'application/json',
      ...headers('msg_signed_1', Math.floor(now.getTime() / 1000), signature),
    },
    payload,
  );
  t.equal(signed.statusCode, 200);
  t.equal(signed.json().resultaten[0].status, 'verwerkt');
  const hs = await ctx.app.inject({ method: 'POST', url: '/v1/boom/koppeling', headers: s.auth });
  t.equal(hs.statusCode, 401, 'the handshake must be signed too');
  const hsSig = new Webhook(secret).sign('msg_hs', now, '');
  const hsSigned = await ctx.app.inject({
    method: 'POST',
    url: '/v1/boom/koppeling',
    headers: { ...s.auth, ...headers('msg_hs', Math.floor(now.getTime() / 1000), hsSig) },
  });
  t.equal(hsSigned.statusCode, 200);
});
