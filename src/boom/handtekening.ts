import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Webhook } from 'standardwebhooks';
import { AppError } from '../errors.js';

/** How far webhook-timestamp may be from the server's clock, either way. */
const TOLERANTIE_SECONDEN = 5 * 60;

function handtekeningOngeldig(): AppError {
  return new AppError('HANDTEKENING_ONGELDIG', { headers: { 'www-authenticate': 'Bearer' } });
}

function kop(headers: Record<string, unknown>, naam: string): string {
  const v = headers[naam];
  return typeof v === 'string' ? v : '';
}

/** An unsigned request (a signing header missing) is refused before its body is read. */
export function eisHandtekeningKoppen(headers: Record<string, unknown>): void {
  for (const naam of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
    if (kop(headers, naam) === '') throw handtekeningOngeldig();
  }
}

/**
 * Standard Webhooks (v1): when a koppeling signs, every request carries webhook-id, webhook-timestamp
 * (within 5 minutes either way) and webhook-signature, any `v1,` entry of which may match: an HMAC-SHA256
 * over `id.timestamp.` and the raw body bytes, checked against every secret in force (the new one and, for
 * 24 hours after a rotation, the previous one), so a secret can be rotated without a gap. Compared in
 * constant time.
 */
export function controleerHandtekening(
  geheimen: string[],
  body: string | Buffer,
  headers: Record<string, unknown>,
): void {
  eisHandtekeningKoppen(headers);
  const id = kop(headers, 'webhook-id');
  const tijdKop = kop(headers, 'webhook-timestamp');
  if (!/^[0-9]{1,15}$/.test(tijdKop)) throw handtekeningOngeldig();
  const tijd = Number(tijdKop);
  const nu = Math.floor(Date.now() / 1000);
  if (nu - tijd > TOLERANTIE_SECONDEN || tijd - nu > TOLERANTIE_SECONDEN) throw handtekeningOngeldig();
  const gegeven = kop(headers, 'webhook-signature')
    .split(' ')
    .filter((h) => h.startsWith('v1,'))
    .map((h) => Buffer.from(h.slice(3)));
  for (const geheim of geheimen) {
    const verwacht = Buffer.from(
      createHmac('sha256', Buffer.from(geheim.replace(/^whsec_/, ''), 'base64'))
        .update(`${id}.${tijd}.`)
        .update(body)
        .digest('base64'),
    );
    for (const g of gegeven) {
      if (g.length === verwacht.length && timingSafeEqual(g, verwacht)) return;
    }
  }
  throw handtekeningOngeldig();
}

/**
 * The raw body, read before anything parses it, up to `limiet` bytes: a larger body (by its
 * content-length, or by what arrives) is a 413, and what is left of it is drained, as fastify does.
 */
export function leesRuweBody(payload: Readable, limiet: number, contentLength: unknown): Promise<Buffer> {
  if (Number(contentLength) > limiet) return Promise.reject(new AppError('TE_GROOT'));
  return new Promise((resolve, reject) => {
    const delen: Buffer[] = [];
    let lengte = 0;
    const klaar = (err: Error | null) => {
      payload.removeListener('data', opData);
      payload.removeListener('end', opEinde);
      payload.removeListener('error', opSluiten);
      payload.removeListener('close', opSluiten);
      if (err) reject(err);
      else resolve(Buffer.concat(delen, lengte));
    };
    const opData = (deel: Buffer | string) => {
      const b = typeof deel === 'string' ? Buffer.from(deel) : deel;
      lengte += b.length;
      if (lengte > limiet) return klaar(new AppError('TE_GROOT'));
      delen.push(b);
    };
    const opEinde = () => klaar(null);
    // A sender that breaks off: an answer it will not read, never a 500.
    const opSluiten = () =>
      klaar(new AppError('ONGELDIGE_JSON', { detail: 'De body kwam niet volledig aan' }));
    payload.on('data', opData);
    payload.on('end', opEinde);
    payload.on('error', opSluiten);
    payload.on('close', opSluiten);
    payload.resume();
  });
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
