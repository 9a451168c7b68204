// Runs the real VS Code workbench (code-server) and opens it in Debian's Chromium through playwright-core.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureInstalled } from './install';
import { freePort, outputDir, shortTempDir, sleep, writeUserSettings } from './util';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface CodeServer {
  port: number;
  origin: string;
  userDataDir: string;
  extensionsDir: string;
  workspace: string;
  logFile: string;
  /** The workbench URL; with a payload, the extension under development (and optionally tests) load. */
  url(payload?: { extensionDevelopmentPath?: string; extensionTestsPath?: string }): string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  /** Extra environment for the server and, through it, the extension host. */
  env?: Record<string, string>;
  settings?: Record<string, unknown>;
  workspace?: string;
  label?: string;
  /** Load the extension under development through the URL payload (tests). Default true. */
  smokeTestDriver?: boolean;
  /** Install this .vsix first (as a user would). */
  installVsix?: string;
  /** A fixed port instead of a free one. */
  port?: number;
  /**
   * Leave workspace trust on (it is off by default in the test hosts), without the startup prompt, so the opened
   * folder is untrusted and the window runs in Restricted Mode.
   */
  workspaceTrust?: boolean;
}

function waitForHttp(url: string, timeoutMs: number, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (proc.exitCode !== null) {
        reject(new Error(`code-server exited with code ${proc.exitCode} before it listened`));
        return;
      }
      const req = http.get(url, (res) => {
        res.resume();
        resolve();
      });
      req.on('error', () => {
        if (Date.now() > deadline) {
          reject(new Error(`code-server did not answer on ${url} within ${timeoutMs} ms`));
        } else {
          setTimeout(attempt, 250);
        }
      });
    };
    attempt();
  });
}

export async function startCodeServer(opts: CodeServerOptions = {}): Promise<CodeServer> {
  const host = ensureInstalled();
  const port = opts.port ?? (await freePort());
  const base = shortTempDir('smcs-');
  const userDataDir = path.join(base, 'ud');
  const extensionsDir = path.join(base, 'ext');
  const tmp = path.join(base, 't');
  const workspace = opts.workspace ?? path.join(base, 'ws');
  for (const d of [userDataDir, extensionsDir, tmp, workspace]) {
    fs.mkdirSync(d, { recursive: true });
  }
  const trust = opts.workspaceTrust
    ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always' }
    : {};
  writeUserSettings(userDataDir, { ...trust, ...opts.settings });
  const config = path.join(base, 'config.yaml');
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const logFile = path.join(outputDir('logs'), `code-server-${opts.label ?? 'host'}-${port}.log`);
  const out = fs.openSync(logFile, 'w');
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env, EXTENSIONS_GALLERY: '{}', TMPDIR: tmp };
  for (const k of Object.keys(env)) {
    if (/^npm_/i.test(k) || k === 'NODE_OPTIONS' || k === 'VSCODE_IPC_HOOK_CLI' || k === 'ELECTRON_RUN_AS_NODE') {
      delete env[k];
    }
  }
  if (opts.installVsix) {
    const r = spawnSync(host.node, [host.codeServerEntry, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', opts.installVsix], { env, encoding: 'utf8' });
    if (r.status !== 0) {
      throw new Error(`installing ${opts.installVsix} into code-server failed: ${r.stderr || r.stdout}`);
    }
  }
  const proc = spawn(
    host.node,
    [
      host.codeServerEntry,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--config', config,
      '--disable-telemetry',
      '--disable-update-check',
      ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      ...(opts.smokeTestDriver === false ? [] : ['--vscode-option', 'enable-smoke-test-driver']),
      workspace,
    ],
    // Its own process group, so stop() ends the extension host and the other helpers code-server starts too.
    { env, stdio: ['ignore', out, out], detached: true },
  );
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(`${origin}/healthz`, 60_000, proc);
  return {
    port,
    origin,
    userDataDir,
    extensionsDir,
    workspace,
    logFile,
    url(payload) {
      const params = new URLSearchParams({ folder: workspace });
      const entries: [string, string][] = [];
      if (payload?.extensionDevelopmentPath) {
        entries.push(['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${payload.extensionDevelopmentPath}`]);
      }
      if (payload?.extensionTestsPath) {
        entries.push(['extensionTestsPath', `vscode-remote://127.0.0.1:${port}${payload.extensionTestsPath}`]);
      }
      if (entries.length > 0) {
        params.set('payload', JSON.stringify(entries));
      }
      return `${origin}/?${params.toString()}`;
    },
    async stop() {
      const signalGroup = (sig: NodeJS.Signals): void => {
        try {
          process.kill(-(proc.pid as number), sig);
        } catch {
          // the group is gone already
        }
      };
      if (proc.exitCode === null) {
        signalGroup('SIGTERM');
        for (let i = 0; i < 40 && proc.exitCode === null; i++) {
          await sleep(100);
        }
      }
      // Children (extension host, file watchers) may outlive the server by a moment: end them all.
      signalGroup('SIGKILL');
      fs.closeSync(out);
      // Best effort: a late write by a dying child must not fail a test run.
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          fs.rmSync(base, { recursive: true, force: true, maxRetries: 3 });
          break;
        } catch {
          await sleep(300);
        }
      }
    },
  };
}

export interface Workbench {
  browser: Browser | null;
  context: BrowserContext;
  /** Chromium's profile folder (where the workbench keeps localStorage and IndexedDB). */
  profileDir: string;
  page: Page;
  close(): Promise<void>;
}

/** Opens the workbench in headless Chromium and waits until the extensions have loaded. */
export async function openWorkbench(server: CodeServer, url: string, opts: { colorScheme?: 'light' | 'dark' } = {}): Promise<Workbench> {
  // Loaded lazily: only the code-server layers need playwright-core.
  const { chromium } = await import('playwright-core');
  // A persistent profile in a known folder, so tests can inspect what the workbench stored on disk.
  const profileDir = shortTempDir('smch-');
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1400, height: 900 },
    colorScheme: opts.colorScheme ?? 'dark',
    // Far from UTC (the machines that run the tests are on UTC): a page that should say UTC but shows local time
    // is caught.
    timezoneId: 'Pacific/Auckland',
  });
  const browser = context.browser();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  await page.waitForFunction(
    () => performance.getEntriesByName('code/didLoadExtensions').length > 0,
    undefined,
    { timeout: 120_000, polling: 250 },
  );
  return {
    browser,
    context,
    profileDir,
    page,
    async close() {
      await context.close();
      try {
        fs.rmSync(profileDir, { recursive: true, force: true, maxRetries: 5 });
      } catch {
        // Best effort: Chromium may still be flushing its profile.
      }
    },
  };
}
