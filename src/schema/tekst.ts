import { z } from 'zod';

/**
 * Every string in every route: PostgreSQL cannot store a NUL character, and a lone UTF-16 surrogate
 * is not text. Either makes the request a 422, never a 500.
 */
export function tekst(min = 1, max = 200) {
  return z
    .string()
    .min(min)
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'mag geen NUL-teken bevatten')
    .refine((s) => s.isWellFormed(), 'bevat een losse UTF-16-surrogaat');
}

/** A code such as vak, fase or toetsdoel: 1–32 characters. */
export const code32 = tekst(1, 32);

/** SchoolKr8's leerlingId and Boom's berichtId share this alphabet. */
export function sleutelTekst(max: number) {
  return z.string().regex(new RegExp(`^[A-Za-z0-9._:-]{1,${max}}$`), `1–${max} tekens uit [A-Za-z0-9._:-]`);
}
