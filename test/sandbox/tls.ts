// Certificates for the sandbox: a CA generated at start, leaf certificates for 127.0.0.1/127.0.0.2/localhost, self-signed
// leaves (Cohesity clusters), client certificates (OpenZiti `method=cert`) and the EST PKCS#7 bundle.
// Keys come from Node's crypto (fast, native); node-forge builds and signs the certificates.
import * as crypto from 'crypto';
import forge from 'node-forge';
import type { SandboxCa } from './types';

export interface KeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

export interface LeafCert {
  certPem: string;
  keyPem: string;
  sha256Fingerprint: string;
}

export interface SandboxPki extends SandboxCa {
  keyPem: string;
  /** A server certificate for 127.0.0.1, 127.0.0.2, ::1 and localhost, issued by the CA. */
  issueServerCert(): LeafCert;
  /** A self-signed server certificate for 127.0.0.1, 127.0.0.2, ::1 and localhost (no CA). */
  selfSignedServerCert(commonName: string): LeafCert;
}

export function generateKeyPair(): Promise<KeyPair> {
  return new Promise((resolve, reject) => {
    crypto.generateKeyPair(
      'rsa',
      { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } },
      (err, publicKeyPem, privateKeyPem) => (err ? reject(err) : resolve({ publicKeyPem, privateKeyPem })),
    );
  });
}

/** SHA-256 of the DER certificate as `AB:CD:...`. */
export function sha256Fingerprint(certPem: string): string {
  return new crypto.X509Certificate(certPem).fingerprint256;
}

function serial(): string {
  // Positive, 16 random bytes.
  return '01' + crypto.randomBytes(15).toString('hex');
}

const SERVER_ALT_NAMES = [
  { type: 2, value: 'localhost' },
  { type: 7, ip: '127.0.0.1' },
  { type: 7, ip: '127.0.0.2' },
  { type: 7, ip: '::1' },
];

function buildCert(opts: {
  subjectCN: string;
  publicKeyPem: string;
  issuer: forge.pki.Certificate | undefined;
  signingKeyPem: string;
  isCa: boolean;
  usage: 'server' | 'client' | 'ca';
  days: number;
}): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(opts.publicKeyPem);
  cert.serialNumber = serial();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 24 * 3600 * 1000);
  cert.validity.notAfter = new Date(now + opts.days * 24 * 3600 * 1000);
  const subject = [
    { name: 'commonName', value: opts.subjectCN },
    { name: 'organizationName', value: 'Session Manager Sandbox' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(opts.issuer ? opts.issuer.subject.attributes : subject);
  // A self-signed server certificate is its own trust anchor: mark it CA:TRUE like `openssl req -x509` does, so that
  // clients can pin it with `ca: [pem]`.
  const selfSignedLeaf = !opts.issuer && opts.usage === 'server';
  const exts: unknown[] = [{ name: 'basicConstraints', cA: opts.isCa || selfSignedLeaf, critical: opts.isCa }];
  if (opts.usage === 'ca') {
    exts.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true });
  } else {
    exts.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: selfSignedLeaf, critical: true });
    exts.push({ name: 'extKeyUsage', serverAuth: opts.usage === 'server', clientAuth: opts.usage === 'client' });
  }
  if (opts.usage === 'server') {
    exts.push({ name: 'subjectAltName', altNames: SERVER_ALT_NAMES });
  }
  exts.push({ name: 'subjectKeyIdentifier' });
  if (opts.issuer) {
    exts.push({ name: 'authorityKeyIdentifier', keyIdentifier: opts.issuer.generateSubjectKeyIdentifier().getBytes() });
  }
  cert.setExtensions(exts as never[]);
  cert.sign(forge.pki.privateKeyFromPem(opts.signingKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/**
 * Creates the sandbox PKI. Generates a few RSA keys up front (in parallel on the libuv pool) and hands them out;
 * more are generated synchronously if needed (client certificates).
 */
export async function createPki(name = 'Session Manager Sandbox CA'): Promise<SandboxPki> {
  const [caKeys, serverKeys, selfKeys] = await Promise.all([generateKeyPair(), generateKeyPair(), generateKeyPair()]);
  const caPem = buildCert({ subjectCN: name, publicKeyPem: caKeys.publicKeyPem, issuer: undefined, signingKeyPem: caKeys.privateKeyPem, isCa: true, usage: 'ca', days: 3650 });
  const caCert = forge.pki.certificateFromPem(caPem);
  const p7 = forge.pkcs7.createSignedData();
  p7.addCertificate(caCert);
  const der = forge.asn1.toDer(p7.toAsn1()).getBytes();
  const pkcs7Base64 = forge.util.encode64(der);
  let serverCert: LeafCert | undefined;

  const issue = (cn: string, keys: KeyPair, usage: 'server' | 'client'): LeafCert => {
    const certPem = buildCert({ subjectCN: cn, publicKeyPem: keys.publicKeyPem, issuer: caCert, signingKeyPem: caKeys.privateKeyPem, isCa: false, usage, days: 825 });
    return { certPem, keyPem: keys.privateKeyPem, sha256Fingerprint: sha256Fingerprint(certPem) };
  };

  return {
    pem: caPem,
    keyPem: caKeys.privateKeyPem,
    sha256Fingerprint: sha256Fingerprint(caPem),
    pkcs7Base64,
    issueServerCert() {
      serverCert ??= issue('127.0.0.1', serverKeys, 'server');
      return serverCert;
    },
    selfSignedServerCert(commonName: string) {
      const certPem = buildCert({ subjectCN: commonName, publicKeyPem: selfKeys.publicKeyPem, issuer: undefined, signingKeyPem: selfKeys.privateKeyPem, isCa: false, usage: 'server', days: 825 });
      return { certPem, keyPem: selfKeys.privateKeyPem, sha256Fingerprint: sha256Fingerprint(certPem) };
    },
    issueClientCert(commonName: string) {
      const keys = crypto.generateKeyPairSync('rsa', {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      });
      const leaf = issue(commonName, { publicKeyPem: keys.publicKey, privateKeyPem: keys.privateKey }, 'client');
      return { certPem: leaf.certPem, keyPem: leaf.keyPem, sha256Fingerprint: leaf.sha256Fingerprint };
    },
  };
}
