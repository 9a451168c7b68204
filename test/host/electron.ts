// Runs the in-host suites in desktop VS Code through @vscode/test-electron, for contributors whose machine can
// download VS Code (or who point VSCODE_EXECUTABLE_PATH at one).
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT, shortTempDir, writeUserSettings } from './util';

export function electronAvailable(): boolean {
  if (process.env.VSCODE_EXECUTABLE_PATH) {
    return fs.existsSync(process.env.VSCODE_EXECUTABLE_PATH);
  }
  const cache = path.join(REPO_ROOT, '.vscode-test');
  return fs.existsSync(cache) && fs.readdirSync(cache).some((d) => d.startsWith('vscode-'));
}

export async function runInElectron(extensionTestsPath: string, env: Record<string, string>): Promise<number> {
  const { runTests } = await import('@vscode/test-electron');
  const base = shortTempDir('smel-');
  const userDataDir = path.join(base, 'ud');
  const workspace = path.join(base, 'ws');
  fs.mkdirSync(workspace, { recursive: true });
  writeUserSettings(userDataDir);
  try {
    return await runTests({
      ...(process.env.VSCODE_EXECUTABLE_PATH ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH } : { version: 'stable' }),
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath,
      extensionTestsEnv: env,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', userDataDir, '--skip-welcome', '--skip-release-notes'],
    });
  } catch (e) {
    // runTests rejects when the tests fail: the summary file tells the story.
    process.stdout.write(`desktop VS Code run ended: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}
