import fc from 'fast-check';

/**
 * Property tests explore new inputs on every developer run, and replay one fixed set in CI (CI=true), so
 * that a submission's CI is reproducible. FC_SEED=<n> replays any run (fast-check prints the seed of a failure).
 */
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : process.env.CI ? 20_261_129 : undefined;
if (seed !== undefined) fc.configureGlobal({ seed });
