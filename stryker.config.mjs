// StrykerJS: mutation testing of the pure modules. Run with `npm run mutation` (test/mutation.js), one folder at a
// time with `npm run mutation -- --folder http|util|connections|backends`. Not part of `npm test` or CI: it is slow.
// Each folder is mutated against the unit tests that exercise it (the sandbox-backed suites make a run per mutant
// slow, so they are only used where the code under mutation is the backend code they test).
// Equivalent mutants (a change no test can observe) are marked where they are, in the source, with
//   // Stryker disable next-line <mutator>: <reason>
// Targets (test/mutation.js checks them): >= 80 % killed in src/http and src/util, >= 70 % in src/backends.
// @ts-check

/** folder → what is mutated and which compiled unit tests run against it. */
const FOLDERS = {
  http: {
    mutate: ['src/http/**/*.ts'],
    spec: ['out/test/unit/http/*.test.js'],
  },
  util: {
    // log.ts is the VS Code log channel (no plain-Node test); the rest is pure.
    mutate: ['src/util/redact.ts', 'src/util/singleFlight.ts', 'src/util/lru.ts', 'src/util/markdown.ts', 'src/util/format.ts', 'src/util/schedule.ts'],
    spec: ['out/test/unit/redact.test.js', 'out/test/unit/singleFlight.test.js', 'out/test/unit/lru.test.js', 'out/test/unit/ziti-sessions.test.js'],
  },
  connections: {
    mutate: ['src/model/connection.ts', 'src/connections/presets.ts'],
    spec: ['out/test/unit/connections.test.js', 'out/test/unit/aptibleCliToken.test.js'],
  },
  backends: {
    // Every backend module (all pure): API clients, models, session sources, enrollment and route-path logic.
    mutate: ['src/backends/**/*.ts'],
    spec: ['out/test/unit/backends/*.test.js', 'out/test/unit/ziti-*.test.js'],
  },
};

const folder = process.env.SM_MUTATION_FOLDER ?? 'http';
const chosen = FOLDERS[/** @type {keyof typeof FOLDERS} */ (folder)];
if (!chosen) {
  throw new Error(`SM_MUTATION_FOLDER must be one of ${Object.keys(FOLDERS).join(', ')}, not "${folder}"`);
}
// A part of a folder (`--mutate` on the command line, e.g. one file) keeps its own reports and incremental file, so a
// long folder can be done in pieces; test/mutation.js merges every report under test-output/mutation/.
const part = process.env.SM_MUTATION_PART;
const out = `test-output/mutation/${part ? `${folder}-${part}` : folder}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'mocha',
  checkers: ['typescript'],
  // The checker type-checks src/ only (tsconfig.stryker.json): a mutant is invalid when the product no longer compiles;
  // checking the tests too for every mutant took about twice as long (measured on src/backends/cohesity).
  tsconfigFile: 'tsconfig.stryker.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // The tests are compiled TypeScript: the copy Stryker works in is compiled after the mutants are placed.
  buildCommand: 'npx tsc -p .',
  // SM_MUTATION_SPEC (comma-separated compiled test files) runs a part against fewer tests: a lower bound of the score,
  // quick enough for a busy machine.
  mochaOptions: { config: 'test/mutation.mocharc.json', spec: process.env.SM_MUTATION_SPEC ? process.env.SM_MUTATION_SPEC.split(',') : chosen.spec },
  mutate: chosen.mutate,
  ignorePatterns: ['out', 'dist', 'dist-vsix', 'test-output', '.vscode-test', '.vscode-test-web', '.stryker-tmp'],
  coverageAnalysis: 'perTest',
  // The machine is shared: one checker and one test runner.
  concurrency: 2,
  incremental: true,
  incrementalFile: `${out}/stryker-incremental.json`,
  // A mutant whose tests run past (netTime × timeoutFactor + timeoutMS) counts as killed (Timeout). On this shared
  // 2-core machine a loaded run made slow tests look like hangs (pingone: 10 % timeouts at 3 s, against about 1 % on a
  // quiet run), so the allowance is generous; a real hang costs these seconds once per mutant.
  timeoutMS: 10000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `${out}/index.html` },
  jsonReporter: { fileName: `${out}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  thresholds: { high: 80, low: 70, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
