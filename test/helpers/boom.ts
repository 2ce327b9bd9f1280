import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { aanbieding, type MetApp } from './fixtures.js';

/** Acting as Boom testcentrum: the one way the tests POST a delivery to /v1/boom/resultaten. */

export interface LeverOpties {
  /** More headers (a content-type, a signature made by the test itself); they win over the ones made here. */
  headers?: Record<string, string>;
  /** Sign the request with this secret (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature). */
  geheim?: string;
  /** With `geheim`: sign this text instead of the body sent (a body changed on the way). */
  getekend?: string;
  /** With `geheim`: seconds to shift webhook-timestamp by. */
  verschuiving?: number;
  /** With `geheim`: the webhook-id (a random one otherwise). */
  webhookId?: string;
}

/** The Standard Webhooks headers that sign `payload` with `geheim` (for the handshake the payload is ''). */
export function tekenKoppen(
  geheim: string,
  payload: string,
  opts: { verschuiving?: number; webhookId?: string } = {},
) {
  const tijd = new Date(Date.now() + (opts.verschuiving ?? 0) * 1000);
  const id = opts.webhookId ?? `msg_${randomBytes(8).toString('hex')}`;
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(tijd.getTime() / 1000)),
    'webhook-signature': new Webhook(geheim).sign(id, tijd, payload),
  };
}

/**
 * POST /v1/boom/resultaten with `auth` (a school's key, or whatever headers a test tries) and `body` as
 * `inject` sends it: an object as JSON, a string or Buffer as it is. Any answer is returned as it came.
 */
export function lever(ctx: MetApp, auth: Record<string, string>, body: unknown, opts: LeverOpties = {}) {
  let payload = body;
  let headers: Record<string, string> = { ...auth };
  if (opts.geheim) {
    // A signature is over the bytes sent, so an object is serialised here (as inject would).
    if (payload && typeof payload !== 'string' && !Buffer.isBuffer(payload)) {
      payload = JSON.stringify(payload);
      headers['content-type'] = 'application/json';
    }
    const tekst = opts.getekend ?? (Buffer.isBuffer(payload) ? payload.toString() : String(payload ?? ''));
    headers = { ...headers, ...tekenKoppen(opts.geheim, tekst, opts) };
  }
  return ctx.app.inject({
    method: 'POST',
    url: '/v1/boom/resultaten',
    headers: { ...headers, ...opts.headers },
    ...(payload === undefined ? {} : { payload: payload as string }),
  });
}

/** A delivery that must be answered 200 (a test's set-up or its subject): the response, else an error. */
export async function leverOk(ctx: MetApp, auth: Record<string, string>, body: unknown, opts?: LeverOpties) {
  const res = await lever(ctx, auth, body, opts);
  if (res.statusCode !== 200) throw new Error(`delivery not answered 200: ${res.statusCode} ${res.body}`);
  return res;
}

/** Per result of an answer: its fout code, or its status where it has no fout. */
function uitkomsten(res: { json(): unknown }): string[] {
  const { resultaten } = res.json() as { resultaten: Array<{ status: string; fout?: { code: string } }> };
  return resultaten.map((r) => r.fout?.code ?? r.status);
}

/**
 * Delivers `resultaten` in one aanbieding (a fresh berichtId) that must be answered 200: per result, its
 * fout code or its status.
 */
export async function leverResultaten(ctx: MetApp, auth: Record<string, string>, resultaten: unknown[]) {
  return uitkomsten(await leverOk(ctx, auth, aanbieding(resultaten)));
}
