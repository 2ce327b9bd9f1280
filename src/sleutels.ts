import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new key or token: 32 random bytes, URL-safe, with a prefix that makes a leaked key recognisable. */
export function nieuweSleutel(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/**
 * A new signing secret for Standard Webhooks: `whsec_` and 32 random bytes in base64 (issued by beheer/,
 * checked by boom/handtekening.ts).
 */
export function nieuwOndertekengeheim(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Keys are high-entropy random strings, so one SHA-256 is the right hash (no salt or stretching needed). */
export function hashSleutel(sleutel: string): Buffer {
  return createHash('sha256').update(sleutel, 'utf8').digest();
}

const leeg = Buffer.alloc(32);

/** Compares two SHA-256 digests in constant time; a missing one is compared against zeros, and fails. */
export function gelijkeHash(a: Buffer | undefined, b: Buffer): boolean {
  const ok = timingSafeEqual(a && a.length === 32 ? a : leeg, b.length === 32 ? b : leeg);
  return ok && a !== undefined && a.length === 32;
}

/** The token in `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^Bearer[ \t]+([!-~]{1,512})[ \t]*$/i.exec(header);
  return m?.[1];
}
