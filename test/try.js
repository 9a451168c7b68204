#!/usr/bin/env node
// `npm run try`: the quickest way to see Session Manager working, on any machine that can run the tests.
// Starts the sandbox (local emulators of the four backends) and a VS Code (code-server) with the packaged
// extension installed, then prints the address to open in a browser and what to enter. Ctrl+C stops both.
//   --desktop   open your desktop VS Code (`code` on PATH) with the extension under development instead
'use strict';
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'out', 'test');

async function main() {
  const { start } = require(path.join(OUT, 'sandbox', 'server.js'));
  const sb = await start({ port: Number(process.env.SANDBOX_PORT || 4480) });
  const caFile = '/tmp/session-manager-sandbox-ca.pem';
  fs.writeFileSync(caFile, sb.ca.pem);
  const p = sb.details.pingone.credentials;
  const lines = [
    '',
    'Session Manager: the sandbox is running. In VS Code, open the Session Manager view (activity bar) and use',
    '"Add Connection" with these answers:',
    '',
    `  OpenZiti   ${sb.urls.ziti}  ·  Username and password  ·  admin / ziti-sandbox-admin  ·  then Trust the sandbox CA`,
    `  PingOne    Custom hosts  ·  API ${sb.details.pingone.urls.apiBase}  ·  auth ${sb.details.pingone.urls.authBase}  ·  Use http:// anyway`,
    `             environment ${p.environmentId}  ·  client ${p.basicClientId}  ·  secret ${p.basicClientSecret}  ·  Authorization header`,
    `  Aptible    Custom URLs  ·  ${sb.urls.aptible} (both)  ·  Use http:// anyway  ·  ${sb.details.aptible.credentials.email} / ${sb.details.aptible.credentials.password}`,
    `  Cohesity   ${sb.urls.cohesity}  ·  ${sb.details.cohesity.credentials.username} / ${sb.details.cohesity.credentials.password}  ·  LOCAL  ·  then Trust`,
    '',
  ];
  let stopHost = async () => {};
  if (process.argv.includes('--desktop')) {
    const child = spawn('code', ['--new-window', `--extensionDevelopmentPath=${ROOT}`], { stdio: 'inherit' });
    child.on('error', (e) => console.error(`could not start desktop VS Code (is "code" on PATH?): ${e.message}`));
  } else {
    const { startCodeServer } = require(path.join(OUT, 'host', 'codeServer.js'));
    const vsix = path.join(ROOT, 'dist-vsix', 'session-manager.vsix');
    const server = await startCodeServer({ label: 'try', smokeTestDriver: false, installVsix: vsix, port: Number(process.env.TRY_PORT || 8480) });
    stopHost = () => server.stop();
    lines.push(`Open ${server.origin}/ in a browser (code-server with the packaged extension installed).`, '');
  }
  console.log(lines.join('\n'));
  console.log('Press Ctrl+C to stop.');
  const stop = async () => {
    await stopHost().catch(() => undefined);
    await sb.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
