import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';
import type { TreeNode } from '../../src/tree/nodes';
import type { Backend, SandboxRequest } from '../sandbox/types';

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

/**
 * Records what a sandbox backend handles, in order: `entry` picks what to keep of each request, and the status the
 * backend answered is added to it. `restore()` unwraps the backend again.
 */
export function watchRequests<T extends object>(backend: Backend, entry: (req: SandboxRequest) => T): { seen: (T & { status?: number })[]; restore(): void } {
  const seen: (T & { status?: number })[] = [];
  const original = backend.handle;
  backend.handle = async (req: SandboxRequest) => {
    const e: T & { status?: number } = entry(req);
    seen.push(e);
    const res = await original.call(backend, req);
    e.status = res.status;
    return res;
  };
  return { seen, restore: () => (backend.handle = original) };
}

/** What the revoke commands return: one line per item and the summary shown. */
export interface RevokeSummary {
  results: { label: string; outcome: string; error?: string }[];
  message: string;
}

/** A row of the Sessions view drawn from a session-source entry (a level or a session). */
export interface EntryRowLike extends TreeNode {
  connectionId: string;
  entry: { id: string; key: string; type: string; label: string; time?: string; dimmed?: boolean };
}

export function isEntryRow(n: TreeNode): n is EntryRowLike {
  return typeof (n as EntryRowLike).connectionId === 'string' && typeof (n as EntryRowLike).entry === 'object';
}

export async function item(n: TreeNode): Promise<vscode.TreeItem> {
  return n.getTreeItem();
}

export async function labelOf(n: TreeNode): Promise<string> {
  const l = (await item(n)).label;
  return typeof l === 'string' ? l : (l?.label ?? '');
}

export async function labels(nodes: TreeNode[]): Promise<string[]> {
  return Promise.all(nodes.map(labelOf));
}
