import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withDeadline } from '../db/pool.js';
import { leesRest } from '../plugins/body-rest.js';
import { registreerJsonParser } from '../plugins/json-body.js';
import { sendProblem, toAppError } from '../plugins/problem.js';
import { aanbieding, aanbiedingAntwoord, aanbiedingAntwoordJson } from '../schema/boom.js';
import type { AanbiedingAntwoord } from '../verwerking/index.js';
import { authenticeerKoppeling, maakSleutelzoeker } from './auth.js';
import { controleerHandtekening, eisHandtekeningKoppen, leesRuweBody } from './handtekening.js';
import { type Ingest, type IngestOpties, maakIngest, margeVan, STANDAARD_INGEST } from './ingest.js';
import type { MislukteSleutels } from './mislukte-sleutels.js';
import { activeerSleutel, registreerAfwijzing } from './repository.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Rejections of this route are recorded in aanbiedingen (CONTRACT §2). */
    registreerAfwijzing?: boolean;
    /** This route takes an empty body even when a JSON content type is sent. */
    legeBody?: boolean;
  }
  interface FastifyRequest {
    /** Signing is on for this koppeling and the raw body's signature was valid. */
    handtekeningGeldig?: boolean;
  }
}

const AFWIJZINGEN = new Set([400, 409, 413, 415, 422]);
const BERICHT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The berichtId of a rejected body, when it has a well-formed one. */
function berichtIdVan(body: unknown): string | null {
  const id = (body as { berichtId?: unknown } | null | undefined)?.berichtId;
  return typeof id === 'string' && BERICHT_ID.test(id) ? id : null;
}

/** What Boom testcentrum calls. Every route here needs a school's autorisatiesleutel. */
export interface BoomOptions {
  mislukteSleutels: MislukteSleutels;
  maxMislukteSleutels: number;
  /** How deliveries are batched (default STANDAARD_INGEST), and RESPONSE_DEADLINE_MS. */
  ingest?: IngestOpties;
  /** Told the ingest once it is made (readiness watches it). */
  bijIngest?: (ingest: Ingest) => void;
}

export const boomRoutes: FastifyPluginAsyncZod<BoomOptions> = async (app, opts) => {
  // Only JSON: text/plain and anything else is a 415. An empty body is broken JSON, except for the handshake.
  app.removeAllContentTypeParsers();
  registreerJsonParser(app, (request) => request.routeOptions.config.legeBody === true);

  const ingestOpties = opts.ingest ?? STANDAARD_INGEST;
  const antwoordtijd = ingestOpties.antwoordtijdMs ?? STANDAARD_INGEST.antwoordtijdMs!;
  const ingest = maakIngest(app.db, ingestOpties, {
    bijBundel: (aanbiedingen, wachtend) => {
      app.metrics.bundelGrootte.observe(aanbiedingen);
      app.metrics.wachtendeAanbiedingen.set(wachtend);
    },
    bijFase: (fase, seconden) => app.metrics.bundelFase.observe({ fase }, seconden),
    bijUitgesteld: () => app.metrics.uitgesteld.inc(),
  });
  opts.bijIngest?.(ingest);
  app.metrics.oudsteAanbieding = ingest.oudste;
  // Every statement of a Boom request (the key lookup, a rejection recorded) is bounded by
  // RESPONSE_DEADLINE_MS; the ingest bounds its own transactions by each aanbieding's deadline
  // (src/boom/ingest.ts).
  const uiterlijk = () => performance.now() + antwoordtijd - margeVan(antwoordtijd);
  const begrensd = () => withDeadline(app.db, { at: uiterlijk(), margin: 0 });
  const mislukt = { teller: opts.mislukteSleutels, max: opts.maxMislukteSleutels };
  const zoekSleutel = maakSleutelzoeker((at) => withDeadline(app.db, { at, margin: 0 }));
  app.addHook('onRequest', async (request) =>
    authenticeerKoppeling(zoekSleutel, request, mislukt, uiterlijk()),
  );
  // Before parsing: a koppeling that signs only takes signed requests, checked on the raw bytes. An unsigned
  // or wrongly signed request is not parsed (no 400/415/422 for it) and not recorded; the parser then reads
  // the same bytes from a new stream.
  app.addHook('preParsing', async (request, _reply, payload) => {
    const geheimen = request.koppeling?.ondertekengeheimen ?? [];
    if (geheimen.length === 0) return payload;
    let ruw: Buffer;
    try {
      eisHandtekeningKoppen(request.headers);
      ruw = await leesRuweBody(payload, request.routeOptions.bodyLimit, request.headers['content-length']);
      controleerHandtekening(geheimen, ruw, request.headers);
    } catch (err) {
      if ((err as { code?: unknown }).code === 'HANDTEKENING_ONGELDIG')
        app.metrics.handtekeningGeweigerd.inc();
      throw err;
    }
    request.handtekeningGeldig = true;
    return Readable.from([ruw]);
  });

  app.setErrorHandler(async (err, request: FastifyRequest, reply: FastifyReply) => {
    // The rest of a refused body is read first, so the sender gets this answer, not a reset (a 413 above all).
    await leesRest(request, reply);
    const appErr = toAppError(err);
    const koppeling = request.koppeling;
    // Where signing is on, only a request with a valid signature is recorded (not an unverified 413).
    const handtekeningInOrde =
      koppeling?.ondertekengeheimen.length === 0 || request.handtekeningGeldig === true;
    if (
      koppeling &&
      handtekeningInOrde &&
      request.routeOptions.config.registreerAfwijzing &&
      AFWIJZINGEN.has(appErr.status)
    ) {
      try {
        const berichtId = berichtIdVan(request.body);
        await registreerAfwijzing(begrensd(), {
          schoolId: koppeling.schoolId,
          berichtId,
          status: appErr.status,
          code: appErr.code,
        });
        app.metrics.aanbiedingen.inc({ status: String(appErr.status) });
      } catch (recordErr) {
        request.log.warn(
          { err: { message: (recordErr as Error).message } },
          'could not record a rejected delivery',
        );
      }
    }
    if (appErr.status === 503) app.metrics.aanbiedingen.inc({ status: '503' });
    return sendProblem(request, reply, appErr);
  });

  app.post(
    '/resultaten',
    {
      config: { registreerAfwijzing: true, fouten: ['BERICHT_ID_HERGEBRUIKT'] },
      schema: {
        tags: ['boom'],
        summary: 'Toetsresultaten aanleveren',
        description:
          'Nieuwe resultaten en latere revisies (hernormering, correctie, intrekking). Idempotent per berichtId: ' +
          'dezelfde body opnieuw geeft het eerdere antwoord met `Idempotent-Replayed: true`; een andere body 409.',
        security: [{ autorisatiesleutel: [] }],
        body: aanbieding,
        response: { 200: aanbiedingAntwoord },
      },
      // The schema above documents the answer; encoding it with zod cost more than the rest of a small
      // delivery's JSON work (profile-a), so the typed answer is written directly.
      serializerCompiler: () => (data) => aanbiedingAntwoordJson(data as AanbiedingAntwoord),
    },
    async (request, reply) => {
      const { antwoord, herhaald } = await ingest.aanbieden({
        schoolId: request.koppeling!.schoolId,
        aanbieding: request.body,
        // RESPONSE_DEADLINE_MS from when the request came in (the key check and parsing count too).
        uiterlijk: performance.now() - reply.elapsedTime + antwoordtijd,
      });
      if (herhaald) {
        reply.header('idempotent-replayed', 'true');
        app.metrics.aanbiedingen.inc({ status: 'herhaald' });
        return antwoord;
      }
      app.metrics.aanbiedingen.inc({ status: '200' });
      // Counted per status and code first: one increment of each (prom-client hashes the labels of every
      // call), not one per result.
      const perStatus = new Map<string, number>();
      const perCode = new Map<string, number>();
      for (const r of antwoord.resultaten) {
        perStatus.set(r.status, (perStatus.get(r.status) ?? 0) + 1);
        if (r.fout) perCode.set(r.fout.code, (perCode.get(r.fout.code) ?? 0) + 1);
      }
      for (const [status, n] of perStatus) app.metrics.resultaten.inc({ status }, n);
      for (const [code, n] of perCode) app.metrics.fouten.inc({ code }, n);
      return antwoord;
    },
  );

  app.post(
    '/koppeling',
    {
      config: { legeBody: true },
      schema: {
        tags: ['boom'],
        summary: 'Koppeling activeren (AANVRAGEN in Boom testcentrum)',
        description: 'De sleutel gaat van aangevraagd naar actief; nogmaals aanroepen is onschadelijk.',
        security: [{ autorisatiesleutel: [] }],
        response: { 200: z.object({ school: z.object({ naam: z.string() }), status: z.literal('actief') }) },
      },
    },
    async (request) => {
      const school = await activeerSleutel(begrensd(), request.koppeling!.sleutelId);
      return { school: { naam: school.naam }, status: 'actief' as const };
    },
  );
};
