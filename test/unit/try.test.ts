// `npm run try` (test/try.js): its options, as --help and the README document them, and what it does with a taken port.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import type { AddressInfo } from 'net';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..', '..');
const TRY = path.join(ROOT, 'test', 'try.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tryJs = require(TRY) as {
  parseArgs(argv: string[], env: Record<string, string | undefined>): { sandboxPort?: number; workbenchPort?: number; desktop: boolean; help: boolean };
  choosePorts(o: { sandboxPort?: number; workbenchPort?: number }): Promise<{ sandboxPort: number; workbenchPort: number; notes: string[] }>;
};

async function listen(): Promise<net.Server> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return s;
}

describe('npm run try: options and ports', function () {
  this.timeout(30_000);

  it('--help names every option and variable, and the README documents the same', () => {
    const r = spawnSync(process.execPath, [TRY, '--help'], { encoding: 'utf8', timeout: 20_000 });
    assert.strictEqual(r.status, 0, r.stderr);
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const tryIt = readme.slice(readme.indexOf('## Try it'), readme.indexOf('### The sandbox'));
    for (const name of ['--sandbox-port', '--port', '--desktop', '--help', 'SANDBOX_PORT', 'TRY_PORT']) {
      assert.ok(r.stdout.includes(name), `--help does not mention ${name}`);
      assert.ok(tryIt.includes(name), `the README's "Try it" does not mention ${name}`);
    }
  });

  it('reads ports from options and variables (options win), and rejects a bad value with a clear message', () => {
    assert.deepStrictEqual(tryJs.parseArgs(['--port', '9000'], { SANDBOX_PORT: '5000', TRY_PORT: '8000' }), { help: false, desktop: false, sandboxPort: 5000, workbenchPort: 9000 });
    assert.throws(() => tryJs.parseArgs([], { SANDBOX_PORT: 'abc' }), /SANDBOX_PORT needs a port number/);
    assert.throws(() => tryJs.parseArgs(['--nope'], {}), /unknown option "--nope"/);
  });

  it('a chosen port that is taken is an error naming it and how to choose another', async () => {
    const s = await listen();
    try {
      const port = (s.address() as AddressInfo).port;
      await assert.rejects(tryJs.choosePorts({ sandboxPort: port }), new RegExp(`port ${port} is already in use.*--sandbox-port N or SANDBOX_PORT=N`));
      await assert.rejects(tryJs.choosePorts({ sandboxPort: 0, workbenchPort: port }), new RegExp(`port ${port} is already in use.*--port N or TRY_PORT=N`));
    } finally {
      s.close();
    }
  });

  it('a taken port given by SANDBOX_PORT ends the script with that message, not a stack trace', async () => {
    const s = await listen();
    try {
      const port = (s.address() as AddressInfo).port;
      const r = spawnSync(process.execPath, [TRY], { encoding: 'utf8', env: { ...process.env, SANDBOX_PORT: String(port), TRY_PORT: '0' }, timeout: 20_000 });
      assert.strictEqual(r.status, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`port ${port} is already in use`));
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    } finally {
      s.close();
    }
  });
});
