// DEVELOPMENT BUILDS ONLY. esbuild leaves this module out of the production bundle, and so out of the .vsix: it is
// reached only through `if (SM_DEV_BUILD)` in extension.ts, which esbuild.js defines as false for `--production`
// (test/unit/devBuild.test.ts checks both bundles).
//
// `npm run try` (test/try.js) starts the sandbox and a workbench with the extension under development, writes the
// sandbox's connections (with their sandbox-only demo credentials) to a file of that run, and names the file in
// SESSION_MANAGER_TRY_CONNECTIONS. On activation, once per run, they are added as ordinary connections (the person
// can edit or remove them; secrets go to SecretStorage, bound to the endpoint as usual) and signed in the usual way:
// a certificate a server presents is trusted only when the person confirms the usual trust prompt.
import * as fs from 'fs';
import type * as vscode from 'vscode';
import { BACKENDS, ConnectionRecord, ConnectionSecrets } from '../model/connection';
import { ConnectionCommandDeps, signIn } from '../commands/connections';
import { UserCancelled } from '../ui/input';

export const TRY_CONNECTIONS_ENV = 'SESSION_MANAGER_TRY_CONNECTIONS';
const DONE_KEY = 'sessionManager.dev.tryRunsAdded';

interface TryFile {
  run: string;
  connections: { record: ConnectionRecord; secrets: ConnectionSecrets }[];
}

function readTryFile(file: string): TryFile {
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<TryFile>;
  if (typeof parsed.run !== 'string' || !Array.isArray(parsed.connections)) {
    throw new Error(`${file} is not a file written by npm run try`);
  }
  for (const c of parsed.connections) {
    if (!c?.record || !BACKENDS.includes(c.record.backend) || typeof c.record.id !== 'string' || typeof c.record.label !== 'string') {
      throw new Error(`${file} holds an entry that is not a connection`);
    }
  }
  return parsed as TryFile;
}

/** Adds and signs in the connections of this `npm run try` run, once per run (a removed one stays removed). */
export async function addTryConnections(deps: ConnectionCommandDeps, state: vscode.Memento, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const file = env[TRY_CONNECTIONS_ENV];
  if (!file) {
    return;
  }
  const tryFile = readTryFile(file);
  const done = state.get<string[]>(DONE_KEY, []);
  if (done.includes(tryFile.run)) {
    return;
  }
  await state.update(DONE_KEY, [...done, tryFile.run]);
  for (const { record, secrets } of tryFile.connections) {
    await deps.manager.store.save({ ...record, source: 'user' }, secrets);
    deps.log.info(`npm run try: added the sandbox connection ${record.label}`);
  }
  deps.refresh();
  for (const { record } of tryFile.connections) {
    try {
      await signIn(deps, record.id);
    } catch (e) {
      deps.log.warn(`npm run try: ${record.label} is not signed in: ${e instanceof UserCancelled ? 'the certificate was not trusted' : e instanceof Error ? e.message : String(e)}`);
    }
  }
}
