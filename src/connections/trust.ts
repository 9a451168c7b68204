import { X509Certificate } from 'crypto';
import * as vscode from 'vscode';
import { isIP } from 'net';
import { BackendModule, CertificateInfo, TrustCandidate } from '../backends/types';
import { UserCancelled } from '../ui/input';
import { BACKEND_LABELS, ConnectionRecord } from '../model/connection';
import { UserInput } from '../ui/input';
import { describeCertificate, PROBE_TIMEOUT_MS } from '../http/tls';
import { vscodeProxySettings } from './proxySettings';
import type { Logger } from '../util/log';

/**
 * Asks the person whether to trust the certificate(s) a server presents, for this connection only. Returns the
 * record with its trust updated, or throws UserCancelled when they decline. Nothing is trusted without consent,
 * and nothing changes for any other connection or for the process.
 */
export async function askToTrust(
  ui: UserInput,
  module: BackendModule,
  record: ConnectionRecord,
  signal?: AbortSignal,
  others: readonly ConnectionRecord[] = [],
  log?: Pick<Logger, 'info'>,
): Promise<ConnectionRecord> {
  if (!module.trustCandidate) {
    throw new Error(vscode.l10n.t('{0} connections do not support trusting a certificate; install the CA in your system store.', BACKEND_LABELS[record.backend]));
  }
  const probe = module.trustCandidate.bind(module);
  let candidate: TrustCandidate;
  try {
    // The probe (TLS handshake, CA bundle, verification) has a deadline per step, honours the proxy settings, and
    // shows a progress notification whose Cancel stops it.
    candidate = await ui.progress(vscode.l10n.t('Reading the certificate of {0}…', record.label), (cancel) =>
      probe(record, signal ? AbortSignal.any([cancel, signal]) : cancel, { proxy: vscodeProxySettings(), timeoutMs: PROBE_TIMEOUT_MS }),
    );
  } catch (e) {
    const err = e as { name?: string; code?: string; message?: string };
    if (signal?.aborted || err?.name === 'AbortError' || err?.code === 'ERR_CANCELED') {
      throw new UserCancelled();
    }
    throw new Error(vscode.l10n.t('{0}: could not read the certificate to trust: {1}', record.label, err?.message ?? String(e)), { cause: e });
  }
  if (candidate.certificates.length === 0) {
    throw new Error(vscode.l10n.t('{0}: the server offered no certificate to trust.', record.label));
  }
  const previous = new Set(trustedFingerprints(record));
  const changed = previous.size > 0 && !candidate.certificates.some((c) => previous.has(c.sha256));
  const lines: string[] = [];
  for (const c of candidate.certificates) {
    lines.push(
      vscode.l10n.t('Subject: {0}', c.subject),
      vscode.l10n.t('Issuer: {0}', c.issuer),
      vscode.l10n.t('SHA-256: {0}', c.sha256),
      vscode.l10n.t('Valid: {0} – {1}', c.validFrom, c.validTo),
      '',
    );
  }
  lines.push(vscode.l10n.t('Source: {0}.', candidate.source));
  // A self-signed server certificate is the server's own certificate, not a CA it chains to.
  const own = candidate.certificates.length === 1 && isServersOwn(candidate.certificates[0], record);
  if (own) {
    lines.push(
      candidate.verified
        ? vscode.l10n.t("This is the server's own certificate (self-signed): it was read from the server and matches what it presents.")
        : vscode.l10n.t("This is the server's own certificate (self-signed); Session Manager could not verify that it is the one the server presents."),
    );
  } else {
    lines.push(
      candidate.verified
        ? vscode.l10n.t("The server's certificate chains to this certificate.")
        : vscode.l10n.t("Session Manager could not verify that the server's certificate chains to this certificate."),
    );
  }
  lines.push('', vscode.l10n.t('It will be trusted for this connection only.'));
  // Another connection that already trusts exactly these certificates (the same controller, added twice).
  const wanted = candidate.certificates.map((c) => c.sha256);
  const sharing = changed
    ? undefined
    : others.find((o) => {
        const theirs = o.id === record.id ? [] : trustedFingerprints(o);
        return theirs.length > 0 && wanted.every((f) => theirs.includes(f));
      });
  const message = changed
    ? vscode.l10n.t('The certificate of {0} ({1}) has CHANGED since you trusted it. Trust the new one?', record.label, BACKEND_LABELS[record.backend])
    : sharing
      ? own
        ? vscode.l10n.t("{0} already trusts the server's own certificate (SHA-256 {1}). Trust it for {2} too?", sharing.label, wanted.join(', '), record.label)
        : vscode.l10n.t('{0} already trusts this certificate (SHA-256 {1}). Trust it for {2} too?', sharing.label, wanted.join(', '), record.label)
      : vscode.l10n.t('{0} ({1}) presents a certificate that is not trusted. Trust it for this connection?', record.label, BACKEND_LABELS[record.backend]);
  const trust = vscode.l10n.t('Trust');
  const choice = await ui.confirm(message, lines.join('\n'), [trust]);
  const fingerprints = candidate.certificates.map((c) => `SHA-256 ${c.sha256}`).join(', ');
  if (choice !== trust) {
    log?.info(`${record.label} (${BACKEND_LABELS[record.backend]}): the ${changed ? 'changed ' : ''}certificate was NOT trusted (${fingerprints})`);
    throw new UserCancelled();
  }
  log?.info(`${record.label} (${BACKEND_LABELS[record.backend]}): trusted ${changed ? 'the changed' : 'the'} certificate for this connection (${fingerprints})`);
  return {
    ...record,
    tls: {
      trustedCertificates: candidate.certificates.map((c) => c.pem),
      fingerprints: candidate.certificates.map((c) => c.sha256),
    },
  };
}

/** Whether `cert` is self-signed and issued for the server's own address: the server's certificate, not a CA. */
function isServersOwn(cert: CertificateInfo, record: ConnectionRecord): boolean {
  if (cert.subject !== cert.issuer) {
    return false;
  }
  try {
    const x = new X509Certificate(cert.pem);
    const host = new URL(record.endpoints.url ?? record.endpoints.apiUrl ?? '').hostname.replace(/^\[|\]$/g, '');
    return (isIP(host) ? x.checkIP(host) : x.checkHost(host)) !== undefined;
  } catch {
    return false;
  }
}

/** The SHA-256 fingerprints of the certificates a connection trusts. */
function trustedFingerprints(record: ConnectionRecord): string[] {
  return record.tls?.fingerprints ?? (record.tls?.trustedCertificates ?? []).map((pem) => describeCertificate(pem).sha256Fingerprint);
}
