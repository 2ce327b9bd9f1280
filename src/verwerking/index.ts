/**
 * The rules of CONTRACT §2 for handling results, in one place. Called by boom/ on delivery and by
 * beheer/ on a retry and when a fix heals open errors.
 */
export { herverwerkFoutmeldingen } from './herverwerk.js';
export {
  type Bezet,
  claimEnZoekOp,
  claimStatement,
  claimVrijStatement,
  leesOpgezocht,
  type Opgezocht,
  type OpgezochtRij,
  perSchool,
} from './opzoeken.js';
export type { SchoolContext, TeVerwerken, Uitkomst, UitkomstStatus } from './types.js';
export { FOUT_CODES } from './types.js';
export { beslisGroepen, type Groep, type VerwerkOpties, verwerkGroepen } from './verwerk.js';
