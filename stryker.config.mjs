// Mutation testing of the pure rule modules against their fast, database-free tests (issue 17).
// `npm run mutate` runs two groups, each against only its own tests (most mutants of the payload schema are
// "static", made when the module loads, and Stryker runs every test file of the group for those):
//   - verwerking: the decision (one result, and whole batches), content hashing and the error bookkeeping;
//   - schema: the Boom payload (`npm run mutate -- schema`, or `verwerking`, for one group).
// Reports land in reports/mutation/<group>/ (gitignored); docs/mutation-testing.md has the results.

const groepen = {
  verwerking: {
    mutate: [
      'src/verwerking/beslissing.ts',
      'src/verwerking/beslis-bundel.ts',
      'src/verwerking/inhoud.ts',
      'src/verwerking/foutboek.ts',
    ],
    testFiles: [
      'test/verwerking/beslissing.test.ts',
      'test/verwerking/beslis-bundel.test.ts',
      'test/verwerking/inhoud.test.ts',
      'test/verwerking/foutboek.test.ts',
      'test/verwerking/foutboek-regels.test.ts',
    ],
  },
  schema: {
    mutate: ['src/schema/boom.ts', 'src/schema/datum.ts', 'src/schema/tekst.ts'],
    testFiles: ['test/boom/schema-regels.test.ts', 'test/schema/datum-tekst-regels.test.ts'],
  },
};

const groep = process.env.STRYKER_GROEP ?? 'verwerking';
const { mutate, testFiles } = groepen[groep];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'tap',
  tap: {
    testFiles,
    // The tests are TypeScript: tsx compiles them (and the mutated sources) as they load.
    nodeArgs: ['--import', 'tsx', '{{testFile}}'],
  },
  mutate,
  coverageAnalysis: 'perTest',
  // Other work shares this machine's two cores.
  concurrency: 1,
  timeoutMS: 30_000,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${groep}/index.html` },
  jsonReporter: { fileName: `reports/mutation/${groep}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  thresholds: { high: 95, low: 90, break: 90 },
  // A second run re-tests only the mutants whose code or tests changed.
  incremental: true,
  incrementalFile: `reports/mutation/${groep}/incremental.json`,
  ignorePatterns: ['.data', 'reports', 'bench', 'dist', 'coverage', '.tap'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
