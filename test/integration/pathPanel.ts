// The shared path panel as the route-path and session-path suites drive it: open it through its command, wait for the
// view it renders, ask it to refresh.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { TestingApi } from '../../src/extension';
import type { WebviewRecord } from '../../src/webviews/registry';
import type { PathView } from '../../src/webviews/path/protocol';
import { eventually } from './zitiFixture';

export interface PathPanelDriver {
  /** Runs the panel's command with `arg` (a row, `{connectionId, sessionId}`, nothing for the palette) and returns its panel. */
  open(arg: unknown): Promise<WebviewRecord>;
  /** The view of the newest render message posted after the first `after` messages, once there is one. */
  rendered(rec: WebviewRecord, after?: number): Promise<PathView>;
  /** Forgets what the panel posted, sends it the page's Refresh, and returns the view it renders then. */
  refreshed(rec: WebviewRecord): Promise<PathView>;
}

export function pathPanelDriver(api: () => TestingApi, kind: 'routePath' | 'sessionPath', command: string): PathPanelDriver {
  const driver: PathPanelDriver = {
    async open(arg) {
      const res = (await vscode.commands.executeCommand(command, arg)) as { key: string } | undefined;
      assert.ok(res, `${command} returned nothing; errors: ${JSON.stringify(api().recentErrors.slice(-2))}`);
      const rec = api().webviews.get(kind, res.key);
      assert.ok(rec, 'the panel is in the registry');
      return rec;
    },
    rendered(rec, after = 0) {
      return eventually('a rendered view', () => {
        const m = rec.posted.slice(after).reverse().find((x) => (x as { type: string }).type === 'render') as { view: PathView } | undefined;
        return m?.view;
      });
    },
    async refreshed(rec) {
      rec.posted.length = 0;
      await rec.receive({ type: 'refresh' });
      return driver.rendered(rec);
    },
  };
  return driver;
}
