// Records what a client sends to one sandbox backend and, for chosen requests, answers in its place (shapes the
// emulator never sends: missing fields, wrong types, other errors). Still real HTTP: only the answer is replaced.
import type { Sandbox } from '../../sandbox/server';
import type { Backend, BackendName, SandboxRequest, SandboxResponse } from '../../sandbox/types';

export interface Sent {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The request body parsed as JSON (undefined when empty). */
  json: unknown;
  headers: Record<string, string | undefined>;
}

export interface Interceptor {
  /** Every request the backend saw (faulted requests never reach it), oldest first. */
  sent: Sent[];
  /** Answers the requests `match` picks with `response` (checked before earlier rules; the emulator answers the rest). */
  answer(match: (req: SandboxRequest) => boolean, response: SandboxResponse | ((req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>)): void;
  /** What the emulator itself answers to `req` (for a rule that changes the real answer). */
  original(req: SandboxRequest): Promise<SandboxResponse>;
  /** The backend answers everything again. */
  restore(): void;
}

/** Wraps `backend.handle`; call `restore()` when done (e.g. in afterEach). */
export function intercept(backend: Backend): Interceptor {
  const original = backend.handle;
  const rules: { match: (req: SandboxRequest) => boolean; response: SandboxResponse | ((req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>) }[] = [];
  const sent: Sent[] = [];
  backend.handle = async (req) => {
    let json: unknown;
    if (req.body.length > 0) {
      try {
        json = JSON.parse(req.body.toString('utf8'));
      } catch {
        json = req.body.toString('utf8');
      }
    }
    sent.push({ method: req.method, path: req.path, query: new URLSearchParams(req.query), json, headers: { ...req.headers } });
    const rule = rules.find((r) => r.match(req));
    if (!rule) {
      return original.call(backend, req);
    }
    const res = typeof rule.response === 'function' ? await rule.response(req) : rule.response;
    return { ...res, headers: { 'content-type': 'application/json', ...(res.headers ?? {}) } };
  };
  return {
    sent,
    answer(match, response) {
      rules.unshift({ match, response });
    },
    original: async (req) => original.call(backend, req),
    restore() {
      backend.handle = original;
    },
  };
}

/** A matcher for `METHOD /path` (path without the query). */
export function route(method: string, path: string): (req: SandboxRequest) => boolean {
  return (req) => req.method === method && req.path === path;
}

/** The current test's interceptor; `renew()` drops it (with its rules) for a fresh one. */
export interface EachTest {
  (): Interceptor;
  renew(): void;
}

/**
 * Intercepts the suite's `name` backend afresh for every test (call inside `describe`, after `useSandbox`); after each
 * test the interceptor is removed and the sandbox put back: no faults, its seeded state.
 */
export function interceptEachTest(sandbox: () => Sandbox, name: BackendName): EachTest {
  let current: Interceptor | undefined;
  const each = (): Interceptor => {
    if (!current) {
      throw new Error('no interceptor outside a test');
    }
    return current;
  };
  beforeEach(() => {
    current = intercept(sandbox().state[name]);
  });
  afterEach(() => {
    current?.restore();
    current = undefined;
    sandbox().faults.clear();
    sandbox().reset();
  });
  return Object.assign(each, {
    renew(): void {
      each().restore();
      current = intercept(sandbox().state[name]);
    },
  });
}
