// Test doubles shared by the backend client tests: ClientDeps that record what the client logs, asks and saves,
// a helper for expected ApiError rejections, and the sandbox a suite runs against.
import * as assert from 'assert';
import type { ConnectionRecord, ConnectionSecrets } from '../../../src/model/connection';
import type { ClientDeps, Prompter } from '../../../src/backends/types';
import { type Sandbox, start, type StartOptions } from '../../sandbox/server';

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

/** A connection to the sandbox's OpenZiti controller: the admin's password sign-in, its CA trusted for it alone. */
export function sandboxZitiRecord(sb: Sandbox, over: Partial<ConnectionRecord> = {}): ConnectionRecord {
  return {
    id: 'ziti-test',
    backend: 'ziti',
    label: 'Lab controller',
    endpoints: { url: sb.urls.ziti },
    auth: { method: 'password', username: 'admin' },
    tls: { trustedCertificates: [sb.ca.pem] },
    source: 'user',
    ...over,
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

/** A request the client sent to the sandbox that broke the vendor spec fails the test that sent it. */
export { failOnRequestViolations } from '../../sandbox/requestCheck';
