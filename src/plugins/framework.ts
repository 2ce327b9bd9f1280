import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode, toProblem } from '../errors.js';
import { sendProblem, toAppError } from './problem.js';

/**
 * What the framework answers before a route runs, in the one answer shape: problem+json with a code
 * from the catalogue. Fastify's own answers (a bad URL, a path parameter over the router's limit, an
 * unparseable request) are plain application/json otherwise.
 */

/** Fastify's `frameworkErrors`: a bad URL (400) or a too long path parameter (414). */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  return sendProblem(request, reply, toAppError(err));
}

const METHODEN = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** An unknown route is a 404; a known path asked with a method it does not take is a 405 with `Allow`. */
export function nietGevonden(request: FastifyRequest, reply: FastifyReply) {
  const pad = request.url.split('?')[0] ?? '/';
  const toegestaan = METHODEN.filter(
    (m) => m !== request.method && request.server.findRoute({ method: m as 'GET', url: pad }) !== null,
  );
  if (toegestaan.length === 0) return sendProblem(request, reply, new AppError('NIET_GEVONDEN'));
  return sendProblem(
    request,
    reply,
    new AppError('METHODE_NIET_TOEGESTAAN', { headers: { allow: toegestaan.join(', ') } }),
  );
}

function clientFout(code: string | undefined): ErrorCode {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'AANVRAAG_TE_TRAAG';
  if (code === 'HPE_HEADER_OVERFLOW') return 'HEADERS_TE_GROOT';
  return 'ONGELDIGE_AANVRAAG';
}

/**
 * Node's `clientError`: a request Node cannot parse (bad HTTP, headers too large, too slow) never reaches
 * Fastify's router. Answered as problem+json on the raw socket, then the connection is closed.
 */
export function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const code = clientFout(err.code);
  this.log.debug({ code, err: { code: err.code } }, 'client error');
  // A response already under way on this socket cannot be followed by another.
  const lopend = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !lopend?.headersSent) {
    const fout = new AppError(code);
    const body = JSON.stringify(toProblem(fout));
    socket.write(
      `HTTP/1.1 ${fout.status} ${STATUS_CODES[fout.status]}\r\n` +
        'Content-Type: application/problem+json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
