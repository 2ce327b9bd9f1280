import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';

/** Canonical JSON (sorted keys) of a validated value: "same content" means the same canonical form. */
export function canoniek(value: unknown): string {
  return stringify(value) ?? 'null';
}

export function inhoudHash(value: unknown): Buffer {
  return createHash('sha256').update(canoniek(value)).digest();
}
