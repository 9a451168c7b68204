// Mocha helper for suites whose client talks to the sandbox (unit and integration layers): a request that breaks the
// vendor spec fails the test that sent it. Test infrastructure only.
import * as path from 'path';
import type { Sandbox } from './server';
import type { BackendName } from './types';
import { missingSpecsAllowed, SPEC_FILES, specsDir } from './contract';

/**
 * Call inside a `describe` whose tests send requests to `sandbox()`: after each test, every request sent to `backend`
 * that broke the vendor spec (the sandbox's emulator checks each one it receives, see `requestContract` in
 * test/sandbox/types.ts) fails THAT test, with the requests and what was wrong; the suite goes on (a throwing afterEach
 * would abort it). Requests sent in a `before` hook count for the first test.
 * When the spec is absent the tests fail as `requireSpec` does, unless SM_ALLOW_MISSING_SPECS=1 asks to run without it:
 * then it says once that the requests went unchecked.
 */
export function failOnRequestViolations(sandbox: () => Sandbox, backend: Extract<BackendName, 'aptible'>): void {
  let said = false;
  afterEach(function () {
    const fail = (message: string): void => (this.test as Mocha.Hook).error(new Error(message));
    const contract = sandbox().state[backend]?.requestContract;
    if (!contract) {
      fail(`the sandbox's ${backend} emulator keeps no requestContract: its requests cannot be checked`);
      return;
    }
    const violations = contract.violations.splice(0);
    if (contract.specFile === undefined) {
      const file = path.join(specsDir(), SPEC_FILES[backend]);
      if (!missingSpecsAllowed()) {
        fail(`${file} is missing: the requests this test sent were not checked against the vendor spec. Run with SM_ALLOW_MISSING_SPECS=1 to skip the check explicitly.`);
      } else if (!said) {
        said = true;
        console.log(`  requests not checked against the vendor spec (SM_ALLOW_MISSING_SPECS=1): ${file} is missing`);
      }
      return;
    }
    if (violations.length > 0) {
      const list = violations.map((v) => `${v.method} ${v.path}\n${v.errors.map((e) => `    - ${e}`).join('\n')}`).join('\n  ');
      fail(`the client sent ${violations.length} request${violations.length === 1 ? ' that breaks' : 's that break'} ${path.basename(contract.specFile)}:\n  ${list}`);
    }
  });
}
