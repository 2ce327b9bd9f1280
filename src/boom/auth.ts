import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { bearerToken, gelijkeHash, hashSleutel } from '../sleutels.js';
import { zoekSleutel } from './repository.js';

export interface Koppeling {
  sleutelId: string;
  schoolId: string;
  ondertekengeheim: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    koppeling?: Koppeling;
  }
}

export function nietGeautoriseerd(): AppError {
  return new AppError('NIET_GEAUTORISEERD', { headers: { 'www-authenticate': 'Bearer' } });
}

/**
 * The school's autorisatiesleutel decides the school. Found by its SHA-256 (a unique index, no scan),
 * then compared in constant time; a missing, unknown, expired or withdrawn key gets the same 401.
 */
export async function authenticeerKoppeling(app: FastifyInstance, request: FastifyRequest): Promise<void> {
  const token = bearerToken(request.headers.authorization);
  const hash = hashSleutel(token ?? '');
  const sleutel = await zoekSleutel(app.db, hash);
  if (!gelijkeHash(sleutel?.sleutel_hash, hash) || token === undefined || !sleutel) throw nietGeautoriseerd();
  request.koppeling = {
    sleutelId: sleutel.id,
    schoolId: sleutel.school_id,
    ondertekengeheim: sleutel.ondertekengeheim,
  };
}
