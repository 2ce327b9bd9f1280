import type { FastifyRequest } from 'fastify';
import { DeadlinePassed } from '../db/deadline.js';
import type { Db } from '../db/types.js';
import { AppError } from '../errors.js';
import { Batcher } from '../lib/batcher.js';
import { bearerToken, gelijkeHash, hashSleutel } from '../sleutels.js';
import { clientVan, type MislukteSleutels } from './mislukte-sleutels.js';
import { zoekSleutels } from './repository.js';

export interface Koppeling {
  sleutelId: string;
  schoolId: string;
  /** The school's signing secrets in force, whichever of its keys is used (none: signing is off). */
  ondertekengeheimen: string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    koppeling?: Koppeling;
  }
}

export function nietGeautoriseerd(): AppError {
  return new AppError('NIET_GEAUTORISEERD', { headers: { 'www-authenticate': 'Bearer' } });
}

type Sleutel = Awaited<ReturnType<typeof zoekSleutels>>[number];

interface Opzoeking {
  hash: Buffer;
  /** When the request's answer is due (a performance.now() time; RESPONSE_DEADLINE_MS less the margin). */
  uiterlijk: number;
}

/**
 * Looks keys up by hash; the lookups of requests that arrive while one is running share one query. Each
 * request's lookup is over by its deadline: one still waiting for its turn then fails (503), and the query
 * of a batch of lookups is bounded by the earliest deadline among them (`db(uiterlijk)` answers a kysely
 * bound to it). Never cached: a withdrawn key is refused from the moment its withdrawal commits.
 */
export function maakSleutelzoeker(db: (uiterlijk: number) => Db) {
  const batcher = new Batcher<Opzoeking, Sleutel | undefined>({
    parallel: 1,
    size: () => 1,
    maxSize: 200,
    fits: () => true,
    deadline: { at: (o) => o.uiterlijk, expired: () => new DeadlinePassed('waiting for the key lookup') },
    handle: async (opzoekingen) => {
      const uiterlijk = Math.min(...opzoekingen.map((o) => o.uiterlijk));
      const hashes = opzoekingen.map((o) => o.hash);
      const gevonden = new Map(
        (await zoekSleutels(db(uiterlijk), hashes)).map((s) => [s.sleutel_hash.toString('hex'), s]),
      );
      return hashes.map((h) => ({ status: 'fulfilled' as const, value: gevonden.get(h.toString('hex')) }));
    },
  });
  return (hash: Buffer, uiterlijk = Number.POSITIVE_INFINITY) => batcher.submit({ hash, uiterlijk });
}

export type Sleutelzoeker = ReturnType<typeof maakSleutelzoeker>;

/**
 * The school's autorisatiesleutel decides the school. Found by its SHA-256 (a unique index, no scan),
 * then compared in constant time; a missing, unknown, expired or withdrawn key gets the same 401.
 */
export async function authenticeerKoppeling(
  zoekSleutel: Sleutelzoeker,
  request: FastifyRequest,
  mislukt: { teller: MislukteSleutels; max: number },
  /** When the request's answer is due (a performance.now() time): the lookup is over by then. */
  uiterlijk: number,
): Promise<void> {
  const token = bearerToken(request.headers.authorization);
  // A client over the failed-key limit is refused before any lookup, unless it brings what could be an
  // issued key: that one is still looked up, since a valid key is never held up.
  const resterend = mislukt.teller.geblokkeerd(clientVan(request.ip), mislukt.max);
  if (resterend > 0 && !(token && SLEUTEL_VORM.test(token))) throw teVeel(resterend);
  const hash = hashSleutel(token ?? '');
  const sleutel = await zoekSleutel(hash, uiterlijk);
  if (!gelijkeHash(sleutel?.sleutel_hash, hash) || token === undefined || !sleutel) {
    await teVeelMislukt(request, mislukt);
    throw nietGeautoriseerd();
  }
  request.koppeling = {
    sleutelId: sleutel.id,
    schoolId: sleutel.school_id,
    ondertekengeheimen: [sleutel.ondertekengeheim, sleutel.vorig_ondertekengeheim].filter(
      (g): g is string => g !== null,
    ),
  };
}

/** Past the limit of failed keys, a client's further failures get a 429 (a valid key is never held up). */
async function teVeelMislukt(request: FastifyRequest, mislukt: { teller: MislukteSleutels; max: number }) {
  let telling: { aantal: number; resterendSeconden: number };
  try {
    telling = await mislukt.teller.registreer(clientVan(request.ip));
  } catch (err) {
    request.log.warn({ err: { message: (err as Error).message } }, 'failed-key counter unavailable');
    return;
  }
  if (telling.aantal > mislukt.max) throw teVeel(telling.resterendSeconden);
}

/** The shape of every autorisatiesleutel issued (`nieuweSleutel('bk')`: `bk_` + 32 bytes base64url). */
const SLEUTEL_VORM = /^bk_[A-Za-z0-9_-]{43}$/;

function teVeel(resterendSeconden: number): AppError {
  return new AppError('TE_VEEL_VERZOEKEN', {
    detail: 'Te veel mislukte sleutels van dit adres; probeer het later opnieuw',
    headers: { 'retry-after': String(resterendSeconden) },
  });
}
