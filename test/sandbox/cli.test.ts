// `npm run sandbox` (cli.ts) as a person runs it: a real process, its printed output, its files.
import * as assert from 'assert';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { zitiModule } from '../../src/backends/ziti/client';
import { cohesityModule } from '../../src/backends/cohesity';
import type { ConnectionRecord } from '../../src/model/connection';
import { request } from './http';

const CLI = path.join(__dirname, 'cli.js');

interface Running {
  proc: ChildProcess;
  output: string;
}

/** Starts the CLI and resolves once it printed its summary ("Try:" closes it when OpenZiti runs). */
function startCli(args: string[]): Promise<Running> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const r: Running = { proc, output: '' };
    const timer = setTimeout(() => reject(new Error(`the sandbox printed no summary: ${r.output}`)), 30_000);
    proc.stdout!.on('data', (d: Buffer) => {
      r.output += d.toString('utf8');
      if (/zt-session/.test(r.output)) {
        clearTimeout(timer);
        resolve(r);
      }
    });
    proc.stderr!.on('data', (d: Buffer) => (r.output += d.toString('utf8')));
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the sandbox exited (${code}): ${r.output}`));
    });
  });
}

function stopCli(r: Running): Promise<void> {
  return new Promise((resolve) => {
    if (r.proc.exitCode !== null) {
      resolve();
      return;
    }
    r.proc.removeAllListeners('exit');
    r.proc.once('exit', () => resolve());
    r.proc.kill('SIGINT');
  });
}

function runToExit(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function caFileOf(output: string): string {
  const m = /Sandbox CA written to (\S+)/.exec(output);
  assert.ok(m, `no CA path in: ${output}`);
  return m[1];
}

function urlOf(output: string, backend: string): string {
  const m = new RegExp(`^${backend}\\n  URL \\(Add Connection\\): (\\S+)`, 'm').exec(output);
  assert.ok(m, `no ${backend} URL in: ${output}`);
  return m[1];
}

function record(backend: 'ziti' | 'cohesity', url: string): ConnectionRecord {
  return { id: 'cli', backend, label: 'CLI check', endpoints: { url }, auth: { method: 'password', username: 'admin' }, source: 'user' };
}

describe('npm run sandbox (the CLI)', function () {
  this.timeout(60_000);
  const running: Running[] = [];
  after(async () => {
    await Promise.all(running.map(stopCli));
  });

  it('two sandboxes side by side write their CA to folders of their own, printed, and removed at stop', async () => {
    const a = await startCli(['--port', '0', '--backends', 'ziti,cohesity']);
    running.push(a);
    const b = await startCli(['--port', '0', '--backends', 'ziti,cohesity']);
    running.push(b);
    const caA = caFileOf(a.output);
    const caB = caFileOf(b.output);
    assert.notStrictEqual(caA, caB, 'both sandboxes wrote the same CA file');
    for (const [r, ca] of [
      [a, caA],
      [b, caB],
    ] as const) {
      // The file holds this sandbox's CA: curl --cacert with it reaches this sandbox.
      const info = await request(`${urlOf(r.output, 'ziti')}/__sandbox/info`, { ca: fs.readFileSync(ca, 'utf8') });
      assert.strictEqual(info.status, 200);
    }
    await stopCli(b);
    assert.strictEqual(fs.existsSync(path.dirname(caB)), false, 'the run folder is removed when the sandbox stops');
    assert.ok(fs.existsSync(caA), "stopping one sandbox leaves the other's CA alone");
  });

  it("prints each TLS backend's SHA-256 fingerprint exactly as the trust prompt shows it", async () => {
    const r = running[0];
    const ziti = await zitiModule.trustCandidate!(record('ziti', urlOf(r.output, 'ziti')));
    const cohesity = await cohesityModule.trustCandidate!(record('cohesity', urlOf(r.output, 'cohesity')));
    for (const c of [...ziti.certificates, ...cohesity.certificates]) {
      // The trust prompt (src/connections/trust.ts) shows `SHA-256: ${c.sha256}` for every certificate it offers.
      assert.ok(r.output.split('\n').some((l) => l.trim() === `SHA-256: ${c.sha256}`), `"SHA-256: ${c.sha256}" is not printed in:\n${r.output}`);
    }
  });

  it('a busy port is named, with how to choose another, without a stack trace', async () => {
    const blocker = net.createServer();
    await new Promise<void>((res) => blocker.listen(0, '127.0.0.1', () => res()));
    try {
      const port = (blocker.address() as AddressInfo).port;
      const r = await runToExit(['--port', String(port), '--backends', 'ziti']);
      assert.strictEqual(r.code, 2);
      assert.match(r.stderr, new RegExp(`port ${port} .*already in use`));
      assert.match(r.stderr, /--port N/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'a stack trace was printed');
    } finally {
      blocker.close();
    }
  });

  it('--help lists exactly the fault modes the sandbox accepts, off included', async () => {
    const { FAULT_MODES } = await import('./server');
    const r = await runToExit(['--help']);
    assert.strictEqual(r.code, 0);
    const listed = [...r.stdout.matchAll(/^ {2}([a-z0-9-]+) {2,}\S/gm)].map((m) => m[1]).filter((m) => !m.startsWith('-'));
    assert.deepStrictEqual(listed.sort(), Object.keys(FAULT_MODES).sort());
    assert.ok(listed.includes('off'));
  });
});
