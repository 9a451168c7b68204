import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';

export const EXTENSION_ID = 'session-manager.session-manager';

export function extension(): vscode.Extension<{ testing?: TestingApi }> {
  const ext = vscode.extensions.getExtension<{ testing?: TestingApi }>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded in this VS Code`);
  return ext;
}

/** Activates the extension (if needed) and returns its testing API, which exists only in test mode. */
export async function testingApi(): Promise<TestingApi> {
  const exports = await extension().activate();
  assert.ok(exports.testing, 'activate() returned no testing API: is the extension running in test mode?');
  return exports.testing;
}
