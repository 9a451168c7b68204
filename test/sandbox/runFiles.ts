// What `npm run sandbox` and `npm run try` write and print about a running sandbox: the certificates to trust, in a
// folder of this run's own (two sandboxes never overwrite each other's CA), and each TLS backend's SHA-256
// fingerprint exactly as the extension's trust prompt shows it (the same function computes both).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeCertificate } from '../../src/http/tls';
import type { Sandbox } from './server';
import type { BackendName } from './types';

/** A new folder for one run's files (mode 0700), e.g. /tmp/session-manager-sandbox-Ab12Cd. */
export function createRunDir(prefix = 'session-manager-sandbox-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The fingerprint line of the "Trust Certificate" prompt for this certificate (src/connections/trust.ts). */
export function trustPromptFingerprint(pem: string): string {
  return `SHA-256: ${describeCertificate(pem).sha256Fingerprint}`;
}

export interface TrustFile {
  backend: BackendName;
  /** Where the certificate to trust was written. */
  file: string;
  /** What it is: the sandbox CA (OpenZiti) or the server's own self-signed certificate (Cohesity). */
  what: string;
  /** The line the trust prompt shows for it. */
  fingerprint: string;
}

/**
 * Writes the certificate each TLS backend asks to trust into `dir`: `ca.pem` (the sandbox CA, shared by every
 * 'sandbox-ca' backend) and `<backend>.pem` for self-signed ones. Returns one entry per TLS backend started.
 */
export function writeTrustFiles(sb: Sandbox, dir: string): { caFile: string; files: TrustFile[] } {
  const caFile = path.join(dir, 'ca.pem');
  fs.writeFileSync(caFile, sb.ca.pem);
  const files: TrustFile[] = [];
  for (const d of Object.values(sb.details)) {
    if (d.tls === 'sandbox-ca') {
      files.push({ backend: d.name, file: caFile, what: 'the sandbox CA', fingerprint: trustPromptFingerprint(sb.ca.pem) });
    } else if (d.tls === 'self-signed' && d.trustPem) {
      const file = path.join(dir, `${d.name}.pem`);
      fs.writeFileSync(file, d.trustPem);
      files.push({ backend: d.name, file, what: "the server's own self-signed certificate", fingerprint: trustPromptFingerprint(d.trustPem) });
    }
  }
  return { caFile, files };
}

/** A clear message for a port that is taken, or undefined when `e` is another error. */
export function portInUse(e: unknown, howToChoose: string): string | undefined {
  const err = e as { code?: string; port?: number; address?: string };
  if (err?.code !== 'EADDRINUSE') {
    return undefined;
  }
  return `port ${err.port ?? '?'} on ${err.address ?? '127.0.0.1'} is already in use (another sandbox or program). ${howToChoose}`;
}
