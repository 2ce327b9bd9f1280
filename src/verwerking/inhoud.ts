import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';

/** Canonical JSON (sorted keys) of a validated value: "same content" means the same canonical form. */
export function canoniek(value: unknown): string {
  return stringify(value) ?? 'null';
}

export function inhoudHash(value: unknown): Buffer {
  return createHash('sha256').update(canoniek(value)).digest();
}

/** The canonical JSON of a validated value and its inhoudHash, made from one canonicalisation. */
export function inhoud(value: unknown): { json: string; hash: Buffer } {
  const json = canoniek(value);
  return { json, hash: createHash('sha256').update(json).digest() };
}

const RESULTATEN = '"resultaten":[';

/**
 * inhoudHash of an aanbieding and of each of its results, canonicalising every result once: the aanbieding's
 * canonical form is its envelope's with the results' canonical forms spliced in, byte for byte what
 * canoniek(aanbieding) gives (sorted keys, no spaces), so the stored hashes do not change. The canonical
 * forms are answered too (`perResultaatJson`, and `json()` for the whole): they are what the service stores
 * of the aanbieding and its results, so that each is made into JSON once.
 */
export function aanbiedingHashes(aanbieding: { resultaten: unknown[] }): {
  geheel: Buffer;
  perResultaat: Buffer[];
  perResultaatJson: string[];
  json: () => string;
} {
  const delen = aanbieding.resultaten.map(canoniek);
  const perResultaat = delen.map((d) => createHash('sha256').update(d).digest());
  const envelop = canoniek({ ...aanbieding, resultaten: [] });
  const plek = envelop.indexOf(`${RESULTATEN}]`);
  if (plek < 0 || plek !== envelop.lastIndexOf(`${RESULTATEN}]`)) {
    // not a plain envelope: the slow, sure way
    const geheel = inhoud(aanbieding);
    return { geheel: geheel.hash, perResultaat, perResultaatJson: delen, json: () => geheel.json };
  }
  const voor = envelop.slice(0, plek + RESULTATEN.length);
  const na = envelop.slice(plek + RESULTATEN.length);
  const h = createHash('sha256').update(voor);
  delen.forEach((d, i) => {
    if (i > 0) h.update(',');
    h.update(d);
  });
  h.update(na);
  return {
    geheel: h.digest(),
    perResultaat,
    perResultaatJson: delen,
    json: () => voor + delen.join(',') + na,
  };
}
