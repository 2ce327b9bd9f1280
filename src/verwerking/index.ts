/**
 * Handling Boom's results (CONTRACT §2 and §3), in one place: the vocabulary (model.ts), the pure decision
 * (beslissing.ts for one result, beslis-bundel.ts for whole aanbiedingen and retries, foutboek.ts for the
 * foutmeldingen), its SQL (claim-sql.ts, schrijf-sql.ts) and the one executor that runs them
 * (uitvoerder.ts). boom/ hands it aanbiedingen; beheer/ hands it retries and fixes. Both import this file
 * only.
 */
export type { AanbiedingBesluit, BinnengekomenAanbieding } from './beslis-bundel.js';
export { herverwerkFoutmeldingen } from './herverwerk.js';
export * from './model.js';
export { type VerwerkFase, verwerkAanbiedingen } from './uitvoerder.js';
