import { Webhook } from 'standardwebhooks';
import { AppError } from '../errors.js';

/**
 * Standard Webhooks (v1): when a koppeling has a signing secret, every request carries webhook-id,
 * webhook-timestamp (within 5 minutes either way) and webhook-signature, any `v1,` entry of which may
 * match, checked against every secret in force (the new one and, for 24 hours after a rotation, the
 * previous one), so a secret can be rotated without a gap. The library compares in constant time.
 */
export function controleerHandtekening(
  geheimen: string[],
  body: string,
  headers: Record<string, unknown>,
): void {
  const h = (name: string) => {
    const v = headers[name];
    return typeof v === 'string' ? v : '';
  };
  const kop = {
    'webhook-id': h('webhook-id'),
    'webhook-timestamp': h('webhook-timestamp'),
    'webhook-signature': h('webhook-signature'),
  };
  for (const geheim of geheimen) {
    try {
      new Webhook(geheim).verify(body, kop, { jsonParse: false });
      return;
    } catch {
      // try the next secret in force
    }
  }
  throw new AppError('HANDTEKENING_ONGELDIG', { headers: { 'www-authenticate': 'Bearer' } });
}

/** A new signing secret: whsec_ and 32 random bytes in base64. */
export function nieuwOndertekengeheim(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return `whsec_${Buffer.from(bytes).toString('base64')}`;
}

/** Whether a value is usable as a secret ('' and 'whsec_' are not). */
export function isGeldigGeheim(geheim: string): boolean {
  try {
    new Webhook(geheim);
    return geheim.replace(/^whsec_/, '').length > 0;
  } catch {
    return false;
  }
}
