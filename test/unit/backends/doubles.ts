// Test doubles shared by the backend client tests: ClientDeps that record what the client logs, asks and saves,
// a helper for expected ApiError rejections, the sandbox a suite runs against, and the check that the requests a
// client sent there honour the vendor spec.
import * as assert from 'assert';
import type { ConnectionSecrets } from '../../../src/model/connection';
import type { ClientDeps, Prompter } from '../../../src/backends/types';
import * as path from 'path';
import { type Sandbox, start, type StartOptions } from '../../sandbox/server';
import type { BackendName } from '../../sandbox/types';
import { missingSpecsAllowed, SPEC_FILES, specsDir } from '../../sandbox/contract';

export interface PromptRequest {
  title: string;
  prompt: string;
}

export interface Doubles {
  deps: ClientDeps;
  /** Log lines as "<level> <message>". */
  lines: string[];
  /** Every patch passed to saveSecrets. */
  saved: Partial<ConnectionSecrets>[];
  codeRequests: PromptRequest[];
  passwordRequests: PromptRequest[];
  /** Both kinds of question in the order asked, as "code: <prompt>" / "password: <prompt>". */
  asked: string[];
  /** Moves the client's clock (deps.now) without moving the sandbox's. */
  clock: { offsetMs: number };
}

/** ClientDeps whose prompter answers from `answers` (undefined: the person cancels) and records every question. */
export function doubles(answers: { code?: string; password?: string } = {}): Doubles {
  const lines: string[] = [];
  const saved: Partial<ConnectionSecrets>[] = [];
  const codeRequests: PromptRequest[] = [];
  const passwordRequests: PromptRequest[] = [];
  const asked: string[] = [];
  const clock = { offsetMs: 0 };
  const prompter: Prompter = {
    askCode: async (r) => {
      codeRequests.push(r);
      asked.push(`code: ${r.prompt}`);
      return answers.code;
    },
    askPassword: async (r) => {
      passwordRequests.push(r);
      asked.push(`password: ${r.prompt}`);
      return answers.password;
    },
  };
  return {
    lines,
    saved,
    codeRequests,
    passwordRequests,
    asked,
    clock,
    deps: {
      log: (level, message) => lines.push(`${level} ${message}`),
      prompter,
      saveSecrets: async (patch) => {
        saved.push(patch);
      },
      now: () => Date.now() + clock.offsetMs,
    },
  };
}

/** The ApiError `p` rejects with (fails the test when it resolves or rejects with anything else). */
export { rejection } from '../http/helpers';

/**
 * Call inside a `describe`: starts a sandbox before the suite's tests; after them, disposes the clients pushed to
 * `clients` and stops the sandbox. `sandbox()` is the started sandbox (from the suite's own `before` hooks on).
 */
export function useSandbox<C extends { dispose(): void }>(options: StartOptions): { sandbox: () => Sandbox; clients: C[] } {
  let sb: Sandbox | undefined;
  const clients: C[] = [];
  before(async () => {
    sb = await start(options);
  });
  after(async () => {
    for (const c of clients) {
      c.dispose();
    }
    await sb?.stop();
  });
  return {
    sandbox: () => {
      assert.ok(sb, 'the sandbox has not started');
      return sb;
    },
    clients,
  };
}

/**
 * Call inside a `describe` that uses `useSandbox`: after each test, every request the client sent to `backend` that
 * broke the vendor spec (the sandbox's emulator checks each one it receives, see `requestContract` in
 * test/sandbox/types.ts) fails THAT test, with the requests and what was wrong; the suite goes on (a throwing
 * afterEach would abort it). Requests sent in a `before` hook count for the first test.
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
