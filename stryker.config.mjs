// Mutation testing of the pure rule modules against their fast, database-free tests (issue 17).
// `npm run mutate`; the report lands in reports/mutation/ (gitignored); docs/mutation-testing.md has the results.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'tap',
  tap: {
    testFiles: ['test/verwerking/*.test.ts', 'test/boom/schema.test.ts', 'test/boom/schema-regels.test.ts'],
    // The tests are TypeScript: tsx compiles them (and the mutated sources) as they load.
    nodeArgs: ['--import', 'tsx', '{{testFile}}'],
  },
  mutate: [
    'src/verwerking/beslissing.ts',
    'src/verwerking/inhoud.ts',
    'src/verwerking/foutboek.ts',
    'src/boom/schema.ts',
  ],
  coverageAnalysis: 'perTest',
  // Other work shares this machine's two cores.
  concurrency: 1,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  thresholds: { high: 95, low: 90, break: 90 },
  ignorePatterns: ['.data', 'reports', 'bench', 'dist', 'coverage', '.tap'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
