import { createHash } from 'node:crypto';
import t from 'tap';
import { aanbiedingHashes, canoniek, inhoud, inhoudHash } from '../../src/verwerking/inhoud.js';

// "Same content" is the same canonical JSON (sorted keys, no spaces), hashed with SHA-256.

const sha = (s: string) => createHash('sha256').update(s).digest();

t.test('canoniek: sorted keys at every depth, arrays in order', async (t) => {
  t.equal(canoniek({ b: 1, a: { d: [2, 1], c: null } }), '{"a":{"c":null,"d":[2,1]},"b":1}');
  t.equal(canoniek({ a: undefined, b: 'x' }), '{"b":"x"}');
  t.equal(canoniek(undefined), 'null');
  t.equal(canoniek('x'), '"x"');
});

t.test('inhoudHash: SHA-256 of the canonical form; every difference counts', async (t) => {
  t.same(inhoudHash({ b: 1, a: 2 }), sha('{"a":2,"b":1}'));
  t.same(inhoudHash({ a: 2, b: 1 }), inhoudHash({ b: 1, a: 2 }));
  t.notSame(inhoudHash({ a: { v: 'A' } }), inhoudHash({ a: { v: 'B' } }));
  t.notSame(inhoudHash({ a: [1, 2] }), inhoudHash({ a: [2, 1] }));
  t.notSame(inhoudHash({ a: 1 }), inhoudHash({ a: 1, b: null }));
});

t.test('aanbiedingHashes: the delivery and each result, as inhoudHash gives them', async (t) => {
  const r1 = { resultaatKey: 'K1', toets: { versie: 'A', code: 'X' } };
  const r2 = { revisie: 2, resultaatKey: 'K2' };
  for (const [naam, aanbieding] of [
    ['two results', { verzondenOp: 'v', resultaten: [r1, r2], berichtId: 'b' }],
    ['one result', { berichtId: 'b', resultaten: [r1] }],
    ['no results', { berichtId: 'b', resultaten: [] }],
    ['results last', { a: 1, resultaten: [r2, r1] }],
    // Not a plain envelope: the marker occurs twice, so the slow, sure way is taken.
    ['a nested resultaten', { a: { resultaten: [] }, berichtId: 'b', resultaten: [r1, r2] }],
    ['a nested resultaten after', { berichtId: 'b', resultaten: [r1], z: { resultaten: [] } }],
  ] as const) {
    const h = aanbiedingHashes(aanbieding as unknown as { resultaten: unknown[] });
    t.same(h.geheel, inhoudHash(aanbieding), `${naam}: the delivery`);
    t.same(
      h.perResultaat,
      aanbieding.resultaten.map((r) => inhoudHash(r)),
      `${naam}: each result`,
    );
    // The canonical forms it answers are what is stored: the very strings that were hashed.
    t.equal(h.json(), canoniek(aanbieding), `${naam}: the delivery's JSON`);
    t.strictSame(
      h.perResultaatJson,
      aanbieding.resultaten.map((r) => canoniek(r)),
      `${naam}: each result's JSON`,
    );
  }
  t.same(
    aanbiedingHashes({ resultaten: [r1, r2] }).geheel,
    sha(
      '{"resultaten":[{"resultaatKey":"K1","toets":{"code":"X","versie":"A"}},{"resultaatKey":"K2","revisie":2}]}',
    ),
    'byte for byte',
  );
});

t.test('inhoud: the canonical JSON and its hash, from one canonicalisation', async (t) => {
  const v = { b: [1, { d: 'x', c: null }], a: 'é' };
  const { json, hash } = inhoud(v);
  t.equal(json, '{"a":"é","b":[1,{"c":null,"d":"x"}]}');
  t.same(hash, inhoudHash(v));
  t.same(hash, sha(json));
});
