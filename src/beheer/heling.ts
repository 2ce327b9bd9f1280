import type { Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import { herverwerkFoutmeldingen, type Uitkomst } from '../verwerking/index.js';

/**
 * Handles the given open foutmeldingen again in the fix's own transaction, so the answer to the fix
 * is only given once the healed results are committed with it. Answers how many were healed.
 */
export async function heel(trx: Transaction<Database>, foutIds: string[]): Promise<number> {
  if (foutIds.length === 0) return 0;
  const uitkomsten = await herverwerkFoutmeldingen(trx, [...new Set(foutIds)]);
  return telGeheeld(uitkomsten);
}

export function telGeheeld(uitkomsten: Map<string, Uitkomst>): number {
  let n = 0;
  for (const u of uitkomsten.values()) if (u.status !== 'fout') n++;
  return n;
}
