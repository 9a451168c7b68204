// `npm run sandbox`: starts the emulated backends on 127.0.0.1 and prints what to enter in Add Connection.
import * as fs from 'fs';
import { ALL_BACKENDS, FAULT_MODES, start } from './server';
import { createRunDir, portInUse, writeTrustFiles } from './runFiles';
import { BackendName, DEFAULT_SIZES, Sizes } from './types';

const HELP = `Session Manager sandbox: local emulators of the OpenZiti, PingOne, Aptible and Cohesity APIs.

Usage: npm run sandbox -- [options]

  --port BASE        ziti on BASE, pingone on BASE+1, aptible on BASE+2, cohesity on BASE+3 (default 4480; 0 = free ports)
  --seed N           seed for the generated data (default 1)
  --sessions N       OpenZiti sessions (default ${DEFAULT_SIZES.zitiSessions})
  --users N          PingOne users (default ${DEFAULT_SIZES.pingoneUsers})
  --size KEY=N       any size, e.g. --size zitiIdentities=200 (keys: ${Object.keys(DEFAULT_SIZES).join(', ')})
  --backends LIST    comma-separated subset, e.g. ziti,cohesity (default all)
  --ziti-timeout S   OpenZiti API-session inactivity timeout in seconds (default 1800)
  --log              print one line per request
  --help             this text

Files: the certificates to trust are written to a new folder per run (printed at start, removed at stop).

Faults, one per backend at a time: POST /__sandbox/faults on that backend's port with a JSON body {"mode": ...}
${Object.entries(FAULT_MODES).map(([m, d]) => `  ${m.padEnd(18)} ${d}`).join('\n')}
  Fields for any mode: count (only the next N matching requests), pathRegex (only matching paths),
  latencyMs (a delay before each matching answer; also alone, without a mode), totalCountBonus (over-report list
  totals), expireTokens (true: every issued token expires now). DELETE /__sandbox/faults also clears the fault.
  e.g. curl --cacert CA.pem -d '{"mode":"rate-limit","count":3}' https://127.0.0.1:4480/__sandbox/faults
       curl --cacert CA.pem -d '{"mode":"off"}' https://127.0.0.1:4480/__sandbox/faults
`;

function fail(msg: string): never {
  process.stderr.write(`sandbox: ${msg}\n\n${HELP}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let port = 4480;
  let seed = 1;
  let log = false;
  let zitiTimeout: number | undefined;
  let backends: BackendName[] = [...ALL_BACKENDS];
  const sizes: Partial<Sizes> = {};
  const num = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < 0) {
      fail(`${flag} needs a non-negative integer`);
    }
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.includes('=') && a.startsWith('--') && !a.startsWith('--size=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? args[++i];
    switch (flag) {
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        return;
      case '--port':
        port = num(flag, value());
        break;
      case '--seed':
        seed = num(flag, value());
        break;
      case '--sessions':
        sizes.zitiSessions = num(flag, value());
        break;
      case '--users':
        sizes.pingoneUsers = num(flag, value());
        break;
      case '--ziti-timeout':
        zitiTimeout = num(flag, value());
        break;
      case '--log':
        log = true;
        break;
      case '--backends': {
        const list = (value() ?? '').split(',').map((s) => s.trim()).filter(Boolean) as BackendName[];
        for (const b of list) {
          if (!ALL_BACKENDS.includes(b)) {
            fail(`unknown backend '${b}'`);
          }
        }
        backends = list;
        break;
      }
      case '--size':
      case '--size=': {
        const kv = a.startsWith('--size=') ? a.slice('--size='.length) : args[++i];
        const [k, v] = (kv ?? '').split('=');
        if (!(k in DEFAULT_SIZES)) {
          fail(`unknown size '${k}'`);
        }
        sizes[k as keyof Sizes] = num(`--size ${k}`, v);
        break;
      }
      default:
        fail(`unknown option '${a}'`);
    }
  }

  let sb: Awaited<ReturnType<typeof start>>;
  try {
    sb = await start({ port, seed, sizes, backends, log, zitiInactivitySeconds: zitiTimeout });
  } catch (e) {
    const busy = portInUse(e, `Choose another base port with --port N (uses N to N+3), or --port 0 for free ports.`);
    if (busy) {
      process.stderr.write(`sandbox: ${busy}\n`);
      process.exit(2);
    }
    throw e;
  }
  const runDir = createRunDir();
  const { caFile, files } = writeTrustFiles(sb, runDir);
  const out: string[] = [];
  out.push(`Session Manager sandbox (seed ${seed}) — press Ctrl+C to stop.`);
  out.push(`Sandbox CA written to ${caFile} (this run's own folder, removed when the sandbox stops)`);
  out.push('');
  for (const name of backends) {
    const d = sb.details[name];
    out.push(`${name}`);
    out.push(`  URL (Add Connection): ${d.url}`);
    for (const [k, v] of Object.entries(d.urls)) {
      out.push(`  ${k}: ${v}`);
    }
    for (const [k, v] of Object.entries(d.credentials)) {
      out.push(`  ${k}: ${v}`);
    }
    const trust = files.find((f) => f.backend === name);
    if (trust) {
      out.push(`  TLS: trust ${trust.what} (${trust.file}); the trust prompt shows`);
      out.push(`    ${trust.fingerprint}`);
    } else {
      out.push('  TLS: none (plain HTTP)');
    }
    for (const n of d.notes) {
      out.push(`  - ${n}`);
    }
    out.push(`  faults: POST ${d.origin}/__sandbox/faults (JSON FaultSpec, {"mode":"off"} or DELETE clears it); POST ${d.origin}/__sandbox/reset`);
    out.push('');
  }
  if (sb.details.ziti) {
    const z = sb.details.ziti;
    out.push('Try:');
    out.push(
      `  TOKEN=$(curl -s --cacert ${caFile} -H 'content-type: application/json' -d '{"username":"${z.credentials.username}","password":"${z.credentials.password}"}' '${z.origin}/edge/management/v1/authenticate?method=password' | node -pe 'JSON.parse(require("fs").readFileSync(0)).data.token')`,
    );
    out.push(`  curl -s --cacert ${caFile} -H "zt-session: $TOKEN" '${z.origin}/edge/management/v1/sessions?limit=5'`);
  }
  process.stdout.write(out.join('\n') + '\n');

  const stop = (): void => {
    const done = (code: number) => (): void => {
      fs.rmSync(runDir, { recursive: true, force: true });
      process.exit(code);
    };
    sb.stop().then(done(0), done(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  process.stderr.write(`sandbox: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
