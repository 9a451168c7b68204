#!/usr/bin/env node
// `npm run try`: the quickest way to see Session Manager working, on any machine that can run the tests.
// Starts the sandbox (local emulators of the four backends) and a VS Code (code-server) with the extension under
// development (a development build), in which the four sandbox connections are added and signed in on first open
// (src/dev/trySandbox.ts; that code is not in the production bundle or the .vsix). Ctrl+C stops everything.
'use strict';
const fs = require('fs');
const net = require('net');
const path = require('path');
const { spawn } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'out', 'test');
const DEFAULT_SANDBOX_PORT = 4480;
const DEFAULT_WORKBENCH_PORT = 8480;

const HELP = `npm run try: the sandbox (local OpenZiti, PingOne, Aptible and Cohesity emulators) and a VS Code in your
browser (code-server) with Session Manager, in which the four sandbox connections are added and signed in.

Usage: npm run try -- [options]

  --sandbox-port N   the sandbox on ports N to N+3 (OpenZiti, PingOne, Aptible, Cohesity); 0 = free ports.
                     Also SANDBOX_PORT=N. Default ${DEFAULT_SANDBOX_PORT}, or free ports when one of those is taken.
  --port N           the workbench (code-server) on port N; 0 = a free port. Also TRY_PORT=N.
                     Default ${DEFAULT_WORKBENCH_PORT}, or a free port when it is taken.
  --desktop          open your desktop VS Code (\`code\` on PATH) with the extension under development instead
  --help             this text

A port you choose (option or variable) that is taken is an error that names it; the defaults fall back to free ports.
The sandbox's certificates are written to a new folder for this run (printed, removed at exit), and each TLS
backend's SHA-256 fingerprint is printed as the extension's trust prompt shows it: compare before you click Trust.
`;

class UsageError extends Error {}

function parsePort(name, value) {
  const n = Number(value);
  if (value === undefined || value === '' || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new UsageError(`${name} needs a port number (0 for a free one), not "${value ?? ''}"`);
  }
  return n;
}

/** Options from the command line and the environment (the command line wins). */
function parseArgs(argv, env) {
  const o = { help: false, desktop: false, sandboxPort: undefined, workbenchPort: undefined };
  if (env.SANDBOX_PORT !== undefined && env.SANDBOX_PORT !== '') {
    o.sandboxPort = parsePort('SANDBOX_PORT', env.SANDBOX_PORT);
  }
  if (env.TRY_PORT !== undefined && env.TRY_PORT !== '') {
    o.workbenchPort = parsePort('TRY_PORT', env.TRY_PORT);
  }
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--help':
      case '-h':
        o.help = true;
        break;
      case '--desktop':
        o.desktop = true;
        break;
      case '--sandbox-port':
        o.sandboxPort = parsePort(flag, value());
        break;
      case '--port':
        o.workbenchPort = parsePort(flag, value());
        break;
      default:
        throw new UsageError(`unknown option "${argv[i]}"`);
    }
  }
  return o;
}

/** Whether a TCP port on 127.0.0.1 can be listened on now. */
function portIsFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** The first of `ports` that is taken, if any. */
async function firstTaken(ports) {
  for (const p of ports) {
    if (!(await portIsFree(p))) {
      return p;
    }
  }
  return undefined;
}

/**
 * The ports to use: a chosen port that is taken is an error naming it; a taken default falls back to free ports.
 * Returns { sandboxPort, workbenchPort, notes }.
 */
async function choosePorts(o) {
  const notes = [];
  let sandboxPort = o.sandboxPort ?? DEFAULT_SANDBOX_PORT;
  if (sandboxPort !== 0) {
    const taken = await firstTaken([0, 1, 2, 3].map((i) => sandboxPort + i));
    if (taken !== undefined && o.sandboxPort !== undefined) {
      throw new UsageError(`port ${taken} is already in use, and the sandbox needs ports ${sandboxPort} to ${sandboxPort + 3}. Choose others with --sandbox-port N or SANDBOX_PORT=N (0 = free ports).`);
    }
    if (taken !== undefined) {
      notes.push(`Port ${taken} is in use: the sandbox runs on free ports instead (choose with --sandbox-port N).`);
      sandboxPort = 0;
    }
  }
  let workbenchPort = o.workbenchPort ?? DEFAULT_WORKBENCH_PORT;
  if (workbenchPort !== 0 && !(await portIsFree(workbenchPort))) {
    if (o.workbenchPort !== undefined) {
      throw new UsageError(`port ${workbenchPort} is already in use. Choose another for the workbench with --port N or TRY_PORT=N (0 = a free port).`);
    }
    notes.push(`Port ${workbenchPort} is in use: the workbench runs on a free port instead (choose with --port N).`);
    workbenchPort = 0;
  }
  return { sandboxPort, workbenchPort, notes };
}

/** The four sandbox connections as Add Connection would save them, with the sandbox's demo credentials. */
function sandboxConnections(sb) {
  const d = sb.details;
  return [
    {
      record: { id: 'try-ziti', backend: 'ziti', label: 'Sandbox OpenZiti', source: 'user', production: false, endpoints: { url: sb.urls.ziti }, auth: { method: 'password', username: d.ziti.credentials.username } },
      secrets: { password: d.ziti.credentials.password },
    },
    {
      record: {
        id: 'try-pingone',
        backend: 'pingone',
        label: 'Sandbox PingOne',
        source: 'user',
        production: false,
        endpoints: { region: 'custom', apiUrl: d.pingone.urls.apiBase, authUrl: d.pingone.urls.authBase },
        auth: { method: 'clientCredentials', environmentId: d.pingone.credentials.environmentId, clientId: d.pingone.credentials.basicClientId, clientAuth: 'basic' },
      },
      secrets: { clientSecret: d.pingone.credentials.basicClientSecret },
    },
    {
      record: { id: 'try-aptible', backend: 'aptible', label: 'Sandbox Aptible', source: 'user', production: false, endpoints: { apiUrl: sb.urls.aptible, authUrl: sb.urls.aptible }, auth: { method: 'password', username: d.aptible.credentials.email } },
      secrets: { password: d.aptible.credentials.password },
    },
    {
      record: { id: 'try-cohesity', backend: 'cohesity', label: 'Sandbox Cohesity', source: 'user', production: false, endpoints: { url: sb.urls.cohesity }, auth: { method: 'password', username: d.cohesity.credentials.username, domain: 'LOCAL' } },
      secrets: { password: d.cohesity.credentials.password },
    },
  ];
}

async function main() {
  const o = parseArgs(process.argv.slice(2), process.env);
  if (o.help) {
    process.stdout.write(HELP);
    return;
  }
  const ports = await choosePorts(o);
  const { start } = require(path.join(OUT, 'sandbox', 'server.js'));
  const { createRunDir, portInUse, writeTrustFiles } = require(path.join(OUT, 'sandbox', 'runFiles.js'));
  let sb;
  try {
    sb = await start({ port: ports.sandboxPort });
  } catch (e) {
    const busy = portInUse(e, 'Choose other ports with --sandbox-port N or SANDBOX_PORT=N (0 = free ports).');
    throw busy ? new UsageError(busy) : e;
  }
  const runDir = createRunDir('session-manager-try-');
  let stopHost = async () => {};
  let stopping = false;
  const stop = async (code) => {
    if (stopping) {
      return;
    }
    stopping = true;
    await stopHost().catch(() => undefined);
    await sb.stop().catch(() => undefined);
    fs.rmSync(runDir, { recursive: true, force: true });
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  try {
    const { caFile, files } = writeTrustFiles(sb, runDir);
    const connectionsFile = path.join(runDir, 'connections.json');
    fs.writeFileSync(connectionsFile, JSON.stringify({ run: path.basename(runDir), connections: sandboxConnections(sb) }, null, 2), { mode: 0o600 });
    const env = { SESSION_MANAGER_TRY_CONNECTIONS: connectionsFile };
    const p = sb.details.pingone;
    const lines = ['', ...ports.notes, `Session Manager: the sandbox is running (this run's files: ${runDir}, removed at exit).`, `  Sandbox CA: ${caFile}`, ''];
    lines.push('Certificates the trust prompt asks about (compare the fingerprint before you click Trust):');
    for (const f of files) {
      lines.push(`  ${f.backend.padEnd(9)} ${f.what} (${f.file})`, `            ${f.fingerprint}`);
    }
    lines.push(
      '',
      'The four connections (Sandbox OpenZiti, PingOne, Aptible, Cohesity) are added and signed in when the Session Manager',
      'view opens; confirm the trust prompts of OpenZiti and Cohesity. They are ordinary connections: edit or remove them.',
      'To add them yourself (e.g. with --desktop when VS Code was already running), Add Connection with:',
      `  OpenZiti   ${sb.urls.ziti}  ·  Username and password  ·  admin / ${sb.details.ziti.credentials.password}  ·  then Trust the sandbox CA`,
      `  PingOne    Custom hosts  ·  API ${p.urls.apiBase}  ·  auth ${p.urls.authBase}  ·  Use http:// anyway`,
      `             environment ${p.credentials.environmentId}  ·  client ${p.credentials.basicClientId}  ·  secret ${p.credentials.basicClientSecret}  ·  Authorization header`,
      `  Aptible    Custom URLs  ·  ${sb.urls.aptible} (both)  ·  Use http:// anyway  ·  ${sb.details.aptible.credentials.email} / ${sb.details.aptible.credentials.password}`,
      `  Cohesity   ${sb.urls.cohesity}  ·  ${sb.details.cohesity.credentials.username} / ${sb.details.cohesity.credentials.password}  ·  LOCAL  ·  then Trust`,
      '',
    );
    if (o.desktop) {
      const child = spawn('code', ['--new-window', `--extensionDevelopmentPath=${ROOT}`], { stdio: 'inherit', env: { ...process.env, ...env } });
      child.on('error', (e) => console.error(`could not start desktop VS Code (is "code" on PATH?): ${e.message}`));
    } else {
      const { startCodeServer } = require(path.join(OUT, 'host', 'codeServer.js'));
      const { freePort } = require(path.join(OUT, 'host', 'util.js'));
      const port = ports.workbenchPort || (await freePort());
      // The smoke-test-driver option is what makes code-server honour the URL's extensionDevelopmentPath payload.
      const server = await startCodeServer({ label: 'try', port, env });
      stopHost = () => server.stop();
      lines.push(`Open ${server.url({ extensionDevelopmentPath: ROOT })} in a browser,`, 'then the Session Manager icon in the activity bar.', '');
    }
    console.log(lines.join('\n'));
    console.log('Press Ctrl+C to stop.');
  } catch (e) {
    console.error(`npm run try: ${e && e.message ? e.message : e}`);
    await stop(1);
  }
}

if (require.main === module) {
  main().catch((e) => {
    if (e instanceof UsageError) {
      console.error(`npm run try: ${e.message}\n(npm run try -- --help for the options)`);
      process.exit(2);
    }
    console.error(e && e.stack ? e.stack : e);
    process.exit(1);
  });
}

module.exports = { parseArgs, choosePorts, sandboxConnections, HELP };
