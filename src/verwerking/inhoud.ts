import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';

/** Canonical JSON (sorted keys) of a validated value: "same content" means the same canonical form. */
export function canoniek(value: unknown): string {
  return stringify(value) ?? 'null';
}

export function inhoudHash(value: unknown): Buffer {
  return createHash('sha256').update(canoniek(value)).digest();
}

const RESULTATEN = '"resultaten":[';

/**
 * inhoudHash of an aanbieding and of each of its results, canonicalising every result once: the aanbieding's
 * canonical form is its envelope's with the results' canonical forms spliced in, byte for byte what
 * canoniek(aanbieding) gives (sorted keys, no spaces), so the stored hashes do not change.
 */
export function aanbiedingHashes(aanbieding: { resultaten: unknown[] }): {
  geheel: Buffer;
  perResultaat: Buffer[];
} {
  const delen = aanbieding.resultaten.map(canoniek);
  const perResultaat = delen.map((d) => createHash('sha256').update(d).digest());
  const envelop = canoniek({ ...aanbieding, resultaten: [] });
  const plek = envelop.indexOf(`${RESULTATEN}]`);
  if (plek < 0 || plek !== envelop.lastIndexOf(`${RESULTATEN}]`)) {
    return { geheel: inhoudHash(aanbieding), perResultaat }; // not a plain envelope: the slow, sure way
  }
  const h = createHash('sha256').update(envelop.slice(0, plek + RESULTATEN.length));
  delen.forEach((d, i) => {
    if (i > 0) h.update(',');
    h.update(d);
  });
  h.update(envelop.slice(plek + RESULTATEN.length));
  return { geheel: h.digest(), perResultaat };
}
