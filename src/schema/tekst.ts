import { z } from 'zod';

/**
 * Every string in every route: PostgreSQL cannot store a NUL character, and a lone UTF-16 surrogate
 * is not text. Either makes the request a 422, never a 500.
 */
export function tekst(min = 1, max = 200) {
  // One refinement for both, its message saying what it found (each refinement is a step of its own for
  // zod, per string: two of them were most of the cost of validating a delivery, bench/RESULTS.md
  // "Issue 15"). A string with both faults is named by the first.
  return z
    .string()
    .min(min)
    .max(max)
    .refine((s) => tekstFout(s) === undefined, { error: (issue) => tekstFout(issue.input as string) });
}

/** A code such as vak, fase or toetsdoel: 1–32 characters. */
export const code32 = tekst(1, 32);

/** SchoolKr8's leerlingId and Boom's berichtId share this alphabet. */
export function sleutelTekst(max: number) {
  return z.string().regex(new RegExp(`^[A-Za-z0-9._:-]{1,${max}}$`), `1–${max} tekens uit [A-Za-z0-9._:-]`);
}

/** Why a string cannot be text in PostgreSQL, or undefined when it can. */
export function tekstFout(s: string): string | undefined {
  if (s.includes('\u0000')) return 'mag geen NUL-teken bevatten';
  if (!s.isWellFormed()) return 'bevat een losse UTF-16-surrogaat';
  return undefined;
}

interface Plek {
  waarde: unknown;
  ouder: Plek | undefined;
  sleutel: string | number | undefined;
}

function padVan(plek: Plek): Array<string | number> {
  const delen: Array<string | number> = [];
  for (let p: Plek | undefined = plek; p?.sleutel !== undefined; p = p.ouder) {
    const k = p.sleutel;
    // A key is the sender's text: a pad shows at most 64 characters of it.
    delen.push(typeof k === 'string' && k.length > 64 ? `${Array.from(k).slice(0, 64).join('')}…` : k);
  }
  delen.reverse();
  // A path as deep as the body allows is shown by its first steps.
  return delen.length > 32 ? [...delen.slice(0, 32), '…'] : delen;
}

/**
 * Every string of a parsed JSON value — values and keys, fields outside the contract included, which are
 * dropped later — checked against tekstFout (CONTRACT §2: such a request is a 422, in every route). Walks
 * without recursion (JSON may nest deeper than the stack), once per node: bounded by the body's size.
 * Answers the first `max` findings and how many there are in all.
 */
export function zoekOngeldigeTekst(
  waarde: unknown,
  max: number,
): { fouten: Array<{ pad: Array<string | number>; melding: string }>; aantal: number } {
  const fouten: Array<{ pad: Array<string | number>; melding: string }> = [];
  let aantal = 0;
  const meld = (plek: Plek, melding: string) => {
    aantal++;
    if (fouten.length < max) fouten.push({ pad: padVan(plek), melding });
  };
  const stapel: Plek[] = [{ waarde, ouder: undefined, sleutel: undefined }];
  while (stapel.length > 0) {
    const plek = stapel.pop() as Plek;
    const w = plek.waarde;
    if (typeof w === 'string') {
      const fout = tekstFout(w);
      if (fout) meld(plek, fout);
    } else if (Array.isArray(w)) {
      for (let i = w.length - 1; i >= 0; i--) stapel.push({ waarde: w[i], ouder: plek, sleutel: i });
    } else if (w !== null && typeof w === 'object') {
      const sleutels = Object.keys(w);
      for (let i = sleutels.length - 1; i >= 0; i--) {
        const k = sleutels[i] as string;
        const fout = tekstFout(k);
        // A bad key is named by where it is, never by itself.
        if (fout) meld(plek, `een veldnaam ${fout}`);
        else stapel.push({ waarde: (w as Record<string, unknown>)[k], ouder: plek, sleutel: k });
      }
    }
  }
  return { fouten, aantal };
}
