// The TLS helpers that need no server: certificate-error codes and their text, describing a certificate, splitting a
// PEM bundle, and which proxy a probe goes through. tls-probes.test.ts proves the probes over real sockets.
import * as assert from 'assert';
import * as crypto from 'crypto';
import forge from 'node-forge';
import { errorFromTransport } from '../../../src/http/errors';
import { describeCertificate, describeCertificateError, proxyUrlFor, splitPemBundle } from '../../../src/http/tls';
import { makeCert, pki } from './helpers';

describe('http/tls (pure)', () => {
  describe('certificate-verification errors', () => {
    // Every OpenSSL/Node code meaning "the server's certificate is not trusted here", with the text the person reads.
    const cases: [string, string][] = [
      ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'its issuer is not trusted'],
      ['SELF_SIGNED_CERT_IN_CHAIN', 'it chains to a self-signed CA that is not trusted'],
      ['DEPTH_ZERO_SELF_SIGNED_CERT', 'it is self-signed'],
      ['UNABLE_TO_GET_ISSUER_CERT', 'its issuer is not trusted'],
      ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'its issuer is not trusted'],
      ['CERT_HAS_EXPIRED', 'it has expired'],
      ['CERT_NOT_YET_VALID', 'it is not valid yet'],
      ['CERT_UNTRUSTED', 'it could not be verified'],
      ['CERT_REVOKED', 'it could not be verified'],
      ['CERT_SIGNATURE_FAILURE', 'it could not be verified'],
      ['INVALID_CA', 'it could not be verified'],
      ['ERR_TLS_CERT_ALTNAME_INVALID', 'it is not issued for this host name'],
    ];
    for (const [code, text] of cases) {
      it(`${code} is an untrusted certificate: "${text}"`, () => {
        assert.strictEqual(describeCertificateError(code), text);
        const e = errorFromTransport({ connectionLabel: 'Lab', operation: 'read version', url: 'https://ctrl.example:1280/edge/v1/version', secrets: [] }, Object.assign(new Error('x'), { code }));
        assert.strictEqual(e.kind, 'untrusted-certificate');
        assert.strictEqual(e.code, code);
        assert.strictEqual(e.message, `Lab: read version failed: the certificate of https://ctrl.example:1280 is not trusted: ${text} (${code})`);
      });
    }

    it('other TLS and network codes are not certificate-trust errors', () => {
      for (const code of ['ECONNRESET', 'EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'CERT_REJECTED', '']) {
        const e = errorFromTransport({ connectionLabel: 'Lab', operation: 'read version', url: 'https://ctrl.example/', secrets: [] }, Object.assign(new Error('boom'), { code }));
        assert.strictEqual(e.kind, 'network', code);
      }
    });
  });

  describe('describeCertificate', () => {
    it('gives subject and issuer on one line, part by part, with fingerprint, validity, serial number and CA flag', () => {
      // The key of the test's other leaf (no new key: generating one is slow).
      const publicKeyPem = crypto.createPublicKey(pki().leaf.keyPem).export({ type: 'spki', format: 'pem' }).toString();
      const issuer = forge.pki.certificateFromPem(pki().caPem);
      const cert = makeCert({
        cn: 'ctrl.example',
        subject: [
          { name: 'countryName', value: 'DE' },
          { name: 'organizationName', value: 'Acme Labs' },
        ],
        publicKeyPem,
        signingKeyPem: pki().caKeyPem,
        issuer,
        isCa: false,
      });
      const pem = forge.pki.certificateToPem(cert);
      const x = new crypto.X509Certificate(pem);
      for (const input of [pem, x.raw]) {
        const d = describeCertificate(input);
        assert.strictEqual(d.subject, 'C=DE, O=Acme Labs, CN=ctrl.example');
        assert.strictEqual(d.issuer, 'CN=HTTP core test CA');
        assert.strictEqual(d.pem, x.toString());
        assert.strictEqual(d.sha256Fingerprint, x.fingerprint256);
        assert.match(d.sha256Fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
        assert.strictEqual(d.serialNumber, cert.serialNumber.toUpperCase());
        assert.strictEqual(d.validFrom, x.validFrom);
        assert.strictEqual(d.validTo, x.validTo);
        assert.strictEqual(d.isCa, false);
      }
      assert.strictEqual(describeCertificate(pki().caPem).isCa, true);
    });

    it('rejects text that is not a certificate', () => {
      assert.throws(() => describeCertificate('not a certificate'));
    });
  });

  describe('splitPemBundle', () => {
    it('returns each certificate of a bundle, in order, without the text around them', () => {
      const a = pki().caPem.trim();
      const b = pki().otherCaPem.trim();
      const bundle = `subject=CN=HTTP core test CA\n${a}\n\n# the other one\r\n${b}\ntrailing text`;
      assert.deepStrictEqual(splitPemBundle(bundle), [a, b]);
      assert.strictEqual(new crypto.X509Certificate(splitPemBundle(bundle)[1]).fingerprint256, new crypto.X509Certificate(b).fingerprint256);
    });

    it('returns nothing for text without a certificate, or with a key only', () => {
      assert.deepStrictEqual(splitPemBundle(''), []);
      assert.deepStrictEqual(splitPemBundle('hello'), []);
      assert.deepStrictEqual(splitPemBundle(pki().leaf.keyPem), []);
      assert.deepStrictEqual(splitPemBundle('-----BEGIN CERTIFICATE----------END CERTIFICATE-----'), []);
    });
  });

  describe('proxyUrlFor', () => {
    const proxy = { url: 'http://proxy.corp:3128', strictSSL: true, noProxy: ['.internal.example', '10.0.0.1'] };
    it('names the proxy for a host outside the no-proxy list (URL text or URL object)', () => {
      assert.strictEqual(proxyUrlFor('https://ctrl.example/edge', proxy), 'http://proxy.corp:3128');
      assert.strictEqual(proxyUrlFor(new URL('https://ctrl.example/edge'), proxy), 'http://proxy.corp:3128');
    });
    it('names none for a no-proxy host, without a proxy, or with a proxy without URL', () => {
      assert.strictEqual(proxyUrlFor('https://ctrl.internal.example/', proxy), undefined);
      assert.strictEqual(proxyUrlFor(new URL('https://10.0.0.1:1280/'), proxy), undefined);
      assert.strictEqual(proxyUrlFor('https://ctrl.example/', undefined), undefined);
      assert.strictEqual(proxyUrlFor('https://ctrl.example/', { url: '', strictSSL: true }), undefined);
    });
  });
});
