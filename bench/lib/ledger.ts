/**
 * The ledger checks: (school, key, revisie) of every result acknowledged with a 2xx, checked in SQL after
 * its phase — stored once, as answered (the current row with that revisie, or for `overgeslagen` an older
 * one; one history row with the matching `verwerking`).
 */
import { say } from './config.js';
import type { School } from './data.js';
import type { Antwoord } from './load.js';
import type { Omgeving } from './opzet.js';

export type Post = { schoolId: string; key: string; revisie: number; status: string };

/** The school of a bench key `<prefix>-<school index>-<n>`. */
export function schoolUitKey(omg: Omgeving, key: string): School {
  return omg.schoolVanIndex.get(Number(key.split('-')[1]))!;
}

/** Books every result of these answer bodies into `ledger`. */
export function boekAf(omg: Omgeving, antwoorden: string[], ledger: Post[]): void {
  for (const body of antwoorden) {
    const a = JSON.parse(body) as {
      resultaten: Array<{ resultaatKey: string; revisie: number; status: string }>;
    };
    for (const r of a.resultaten) {
      ledger.push({
        schoolId: schoolUitKey(omg, r.resultaatKey).id,
        key: r.resultaatKey,
        revisie: r.revisie,
        status: r.status,
      });
    }
  }
}

/** The bodies of the deliveries answered 200; any other answer is a failure of the phase. */
export function bodiesVan(omg: Omgeving, antwoorden: Antwoord[], fase: string): string[] {
  const ok = antwoorden.filter((a) => a.status === 200);
  if (ok.length !== antwoorden.length) {
    omg.fouten.push(`${fase}: ${antwoorden.length - ok.length} deliveries not answered 200`);
    const voorbeeld = antwoorden.find((a) => a.status !== 200);
    say(`${fase}: not 200: ${voorbeeld?.status} ${voorbeeld?.body.slice(0, 300)}`);
  }
  return ok.map((a) => a.body);
}

export async function controleerLedger(
  omg: Omgeving,
  fase: string,
  ledger: Post[],
  prefix: string,
  verwacht: 'toegepast' | 'per-school',
) {
  const { rows } = await omg.c.query<{
    erin: number;
    huidig_ok: number;
    historie_ok: number;
    opgeslagen: number;
    historie_rijen: number;
  }>(
    `WITH l AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[]) AS l(s, k, r, status))
     SELECT (SELECT count(*) FROM l)::int AS erin,
            (SELECT count(*) FROM l JOIN toetsresultaten t ON t.school_id = l.s AND t.resultaat_key = l.k
              WHERE (l.status = 'verwerkt' AND t.revisie = l.r) OR (l.status = 'overgeslagen' AND t.revisie < l.r))::int
              AS huidig_ok,
            (SELECT count(*) FROM l JOIN resultaat_revisies h ON h.school_id = l.s AND h.resultaat_key = l.k AND h.revisie = l.r
              WHERE h.verwerking = CASE l.status WHEN 'verwerkt' THEN 'toegepast' ELSE l.status END)::int AS historie_ok,
            (SELECT count(*) FROM toetsresultaten WHERE resultaat_key LIKE $5)::int AS opgeslagen,
            (SELECT count(*) FROM resultaat_revisies WHERE resultaat_key LIKE $5 AND revisie = ANY('{1,2}'))::int
              AS historie_rijen`,
    [
      ledger.map((l) => l.schoolId),
      ledger.map((l) => l.key),
      ledger.map((l) => l.revisie),
      ledger.map((l) => l.status),
      `${prefix}%`,
    ],
  );
  const r = rows[0]!;
  const ok =
    r.huidig_ok === r.erin &&
    r.historie_ok === r.erin &&
    new Set(ledger.map((l) => `${l.schoolId}/${l.key}/${l.revisie}`)).size === r.erin;
  const tekst = `${fase}: ${r.erin} acknowledged results; ${r.huidig_ok} current as acknowledged, ${r.historie_ok} in the history as acknowledged; ${r.opgeslagen} current rows with prefix ${prefix} (${verwacht})`;
  say(`ledger ${ok ? 'OK' : 'FAILED'} — ${tekst}`);
  if (!ok) omg.fouten.push(`ledger ${fase}`);
  return { ok, ...r };
}

export type LedgerCheck = Awaited<ReturnType<typeof controleerLedger>>;
