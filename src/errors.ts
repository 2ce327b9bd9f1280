import { z } from 'zod';

/**
 * The error catalogue: every error the service answers, with its stable code, HTTP status and title.
 * Throw `new AppError('CODE')` anywhere; the error handler (plugins/problem.ts) renders it once,
 * as application/problem+json (RFC 9457).
 */
export const catalogue = {
  ONGELDIGE_JSON: { status: 400, title: 'De body is geen geldige JSON' },
  ONGELDIGE_URL: { status: 400, title: 'De URL kan niet worden gelezen' },
  ONGELDIGE_AANVRAAG: { status: 400, title: 'De HTTP-aanvraag kan niet worden gelezen' },
  NIET_GEAUTORISEERD: { status: 401, title: 'Sleutel ontbreekt, is onbekend of is ingetrokken' },
  OPERATOR_NIET_GEAUTORISEERD: { status: 401, title: 'Operatortoken ontbreekt of is onjuist' },
  HANDTEKENING_ONGELDIG: { status: 401, title: 'De webhook-handtekening ontbreekt of klopt niet' },
  NIET_GEVONDEN: { status: 404, title: 'Niet gevonden' },
  METHODE_NIET_TOEGESTAAN: { status: 405, title: 'Methode niet toegestaan' },
  BERICHT_ID_HERGEBRUIKT: { status: 409, title: 'Dit berichtId is eerder gebruikt met een andere inhoud' },
  BOOM_NUMMER_IN_GEBRUIK: { status: 409, title: 'Dit Boom-leerlingnummer hoort al bij een andere leerling' },
  FOUT_NIET_OPEN: { status: 409, title: 'Deze foutmelding is niet meer open' },
  AANVRAAG_TE_TRAAG: { status: 408, title: 'De aanvraag kwam niet op tijd binnen' },
  TE_GROOT: { status: 413, title: 'De body is groter dan toegestaan' },
  URI_TE_LANG: { status: 414, title: 'Een deel van de URL is langer dan toegestaan' },
  CONTENT_TYPE_NIET_ONDERSTEUND: { status: 415, title: 'Alleen application/json wordt geaccepteerd' },
  VALIDATIE_MISLUKT: { status: 422, title: 'De aanvraag voldoet niet aan het schema' },
  TE_VEEL_VERZOEKEN: { status: 429, title: 'Te veel verzoeken' },
  HEADERS_TE_GROOT: { status: 431, title: 'De headers zijn groter dan toegestaan' },
  INTERNE_FOUT: { status: 500, title: 'Internal Server Error' },
  DATABASE_ONBEREIKBAAR: { status: 503, title: 'De database is tijdelijk niet bereikbaar' },
  ANTWOORDTIJD_VERSTREKEN: { status: 503, title: 'De database kon de aanvraag niet op tijd aannemen' },
  NIET_BESCHIKBAAR: { status: 503, title: 'De dienst is tijdelijk overbelast' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof catalogue;

/** A 422 lists at most this many `errors`, and their total in `aantalFouten` (CONTRACT §2 "Bounded work"). */
export const MAX_VELDFOUTEN = 100;

/** The problem+json body, for the OpenAPI document (every error of every route has this shape). */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.enum(Object.keys(catalogue) as [ErrorCode, ...ErrorCode[]]),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ pad: z.string(), melding: z.string() }))
      .max(MAX_VELDFOUTEN)
      .optional()
      .describe(`De eerste ${MAX_VELDFOUTEN} fouten`),
    aantalFouten: z
      .number()
      .int()
      .optional()
      .describe('Hoeveel fouten er in totaal zijn (ook voorbij de lijst)'),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details met een stabiele code' });

export interface Veldfout {
  pad: string;
  melding: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string | undefined;
  readonly errors: Veldfout[] | undefined;
  /** The total of field errors, when `errors` holds only the first of them. */
  readonly aantalFouten: number | undefined;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    opts: {
      detail?: string;
      errors?: Veldfout[];
      aantalFouten?: number;
      headers?: Record<string, string>;
      cause?: unknown;
    } = {},
  ) {
    super(opts.detail ?? catalogue[code].title, { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = catalogue[code].status;
    this.detail = opts.detail;
    this.errors = opts.errors;
    this.aantalFouten = opts.aantalFouten;
    this.headers = opts.headers ?? {};
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance?: string;
  errors?: Veldfout[];
  aantalFouten?: number;
}

export function toProblem(err: AppError, instance?: string): Problem {
  const problem: Problem = {
    type: `urn:boom-koppeling:fout:${err.code}`,
    title: catalogue[err.code].title,
    status: err.status,
    code: err.code,
  };
  if (err.detail !== undefined) problem.detail = err.detail;
  if (instance !== undefined) problem.instance = instance;
  if (err.errors !== undefined) {
    problem.errors = err.errors.slice(0, MAX_VELDFOUTEN);
    problem.aantalFouten = err.aantalFouten ?? err.errors.length;
  }
  return problem;
}

/** 'resultaten/3/afnamedatum' or ['resultaten', 3, 'afnamedatum'] → 'resultaten[3].afnamedatum' */
export function formatPad(segments: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of segments) {
    const s = String(seg);
    if (/^\d+$/.test(s)) out += `[${s}]`;
    else out += out === '' ? s : `.${s}`;
  }
  return out;
}

const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Whether an error means the database could not be reached (answered as 503 with Retry-After). */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (connectionCodes.has(code)) return true;
    // 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now.
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true;
    if (code === '53300') return true; // too many connections
    // The login refused: 28000 (e.g. the role may not log in), 28P01 (password), 3D000 (no such database),
    // 55000 only as "database … is not currently accepting connections" (ALLOW_CONNECTIONS false).
    if (code === '28000' || code === '28P01' || code === '3D000') return true;
    if (code === '55000' && err.message.includes('not currently accepting connections')) return true;
  }
  return isDatabaseTeLaat(err) || verbindingWeg.some((m) => err.message.includes(m));
}

const verbindingWeg = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection ended unexpectedly',
];

/**
 * Whether the database did not answer in time: a lock wait or statement past its timeout (55P03, 57014), a
 * statement on a connection that no longer answers (pg's query_timeout), or a deadline (src/db/transaction.ts).
 */
export function isDatabaseTeLaat(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return (
    code === '55P03' || code === '57014' || code === 'ANTWOORDTIJD' || err.message === 'Query read timeout'
  );
}
