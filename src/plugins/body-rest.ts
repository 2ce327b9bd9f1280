import type { FastifyReply, FastifyRequest } from 'fastify';

/** How much of a refused body is read past the point of refusal, as a multiple of the body limit. */
const REST_FACTOR = 4;

/**
 * Before an error answer to a request whose body is still arriving (a 413, or a 401/415 before the body was
 * read): read and discard the rest, up to REST_FACTOR × the body limit, so that a sender that writes its
 * whole body before it reads gets the answer instead of a reset connection (closing a socket with unread
 * data makes the kernel send RST). Past the bound the connection is closed after the answer.
 * REQUEST_TIMEOUT_MS bounds the time (app.ts).
 */
export async function leesRest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const raw = request.raw;
  // `complete` is a boolean on a real socket's request; inject's stand-in has none.
  if (raw.complete !== false || raw.destroyed) return;
  const max = REST_FACTOR * (request.server.initialConfig.bodyLimit ?? 1024 * 1024);
  const opTijd = await new Promise<boolean>((resolve) => {
    let gelezen = 0;
    const klaar = (heel: boolean) => {
      raw.off('data', onData);
      raw.off('end', onEnd);
      raw.off('close', onClose);
      raw.off('error', onClose);
      resolve(heel);
    };
    const onData = (chunk: Buffer) => {
      gelezen += chunk.length;
      if (gelezen > max) klaar(false);
    };
    const onEnd = () => klaar(true);
    const onClose = () => klaar(raw.complete);
    raw.on('data', onData);
    raw.once('end', onEnd);
    raw.once('close', onClose);
    raw.once('error', onClose);
    raw.resume();
  });
  if (!opTijd) reply.header('connection', 'close');
}
