// What the suites that drive the one Sessions view share: a sandbox with their backends, their connections saved and
// signed in (with an OpenZiti controller beside where a suite proves that one failing connection never blanks the
// others), auto-refresh off, and everything put back afterwards; and the view as they read it: its provider, a node's
// children, the extension's settings and the person's answers.
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';
import type { TreeNode } from '../../src/tree/nodes';
import { ADMIN_PASSWORD } from '../sandbox/ziti';
import { start, Sandbox, type StartOptions } from '../sandbox/server';
import { testingApi } from './helpers';
import { Answer, QueuedInput } from './queuedInput';
import { removeAllConnections } from './connections.test';

/** The settings the Sessions suites change; each is put back to its default after a suite. */
const SESSIONS_SETTINGS = ['pageSize', 'autoRefreshSeconds', 'bulkRevokeTypeCountAbove', 'ziti.sessionGroupBy', 'pingone.staleAfterHours'];

export interface SessionsSuiteOptions {
  sandbox: StartOptions;
  /** Saves the suite's own connections into `api.store`; returns the ids to sign in before the first test. */
  connections(api: TestingApi, sb: Sandbox): Promise<string[]>;
  /** The id of an OpenZiti connection (labelled "Ziti beside") saved and signed in beside the suite's own. */
  zitiBeside?: string;
  /** Settings for the whole suite (auto-refresh is always off). */
  settings?: Record<string, unknown>;
}

export interface SessionsSuite {
  /** Set by the suite's first `before` hook. */
  readonly api: TestingApi;
  readonly sb: Sandbox;
  provider(): TestingApi['views']['providers']['sessions'];
  kids(n?: TreeNode): Promise<TreeNode[]>;
  config(): vscode.WorkspaceConfiguration;
  /** Answers the person's next questions with `answers`, in order. */
  answer(answers: Answer[]): QueuedInput;
}

/**
 * Registers the suite's `before` and `after` hooks (call it inside `describe`, before the suite's own hooks) and returns
 * what its tests read the Sessions view through.
 */
export function sessionsSuite(opts: SessionsSuiteOptions): SessionsSuite {
  let api: TestingApi | undefined;
  let sb: Sandbox | undefined;
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('sessionManager');
  const suite: SessionsSuite = {
    get api(): TestingApi {
      if (!api) {
        throw new Error('the Sessions suite has not started yet (read it inside a hook or a test)');
      }
      return api;
    },
    get sb(): Sandbox {
      if (!sb) {
        throw new Error('the Sessions suite has no sandbox yet (read it inside a hook or a test)');
      }
      return sb;
    },
    provider: () => suite.api.views.providers.sessions,
    kids: (n) => suite.provider().getChildren(n),
    config,
    answer(answers) {
      const q = new QueuedInput(answers, suite.api.BACK);
      suite.api.setUserInput(q);
      return q;
    },
  };

  before(async () => {
    api = await testingApi();
    sb = await start(opts.sandbox);
    await removeAllConnections(api);
    const ids = await opts.connections(api, sb);
    if (opts.zitiBeside) {
      await api.store.save(
        {
          id: opts.zitiBeside,
          label: 'Ziti beside',
          backend: 'ziti',
          endpoints: { url: sb.urls.ziti },
          auth: { method: 'password', username: 'admin' },
          tls: { trustedCertificates: [sb.ca.pem] },
          source: 'user',
        },
        { password: ADMIN_PASSWORD },
      );
      ids.push(opts.zitiBeside);
    }
    for (const id of ids) {
      await signIn(api, id);
    }
    for (const [key, value] of Object.entries({ autoRefreshSeconds: 0, ...opts.settings })) {
      await config().update(key, value, vscode.ConfigurationTarget.Global);
    }
  });

  after(async () => {
    api?.setUserInput(undefined);
    await vscode.commands.executeCommand('sessionManager.clearFilter');
    await vscode.commands.executeCommand('sessionManager.sortSessions', 'newest');
    for (const key of SESSIONS_SETTINGS) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    if (api) {
      await removeAllConnections(api);
    }
    await sb?.stop();
  });

  return suite;
}

/** Saves an Aptible connection to the sandbox's Deploy API with the sandbox user's email and password. */
export async function saveAptible(api: TestingApi, sb: Sandbox, id: string, label: string): Promise<void> {
  const d = sb.details.aptible;
  await api.store.save(
    {
      id,
      label,
      backend: 'aptible',
      endpoints: { apiUrl: d.urls.apiRoot, authUrl: d.urls.authRoot },
      auth: { method: 'password', username: d.credentials.email },
      source: 'user',
    },
    { password: d.credentials.password },
  );
}

/**
 * Signs a connection in. Another view may have started the connection's shared sign-in and cancelled it with its own
 * refresh: a cancelled sign-in is tried again (twice at most); any other failure fails the suite's set-up.
 */
async function signIn(api: TestingApi, id: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await api.manager.signedInClient(id);
      return;
    } catch (e) {
      if (attempt >= 2 || !/cancelled/.test(String(e))) {
        throw e;
      }
    }
  }
}
