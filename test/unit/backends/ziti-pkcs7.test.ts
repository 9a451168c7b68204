// The OpenZiti CA bundle: certificatesFromPkcs7 on real PKCS#7 bundles built with node-forge, and the trust bootstrap
// (zitiModule.trustCandidate) against a local HTTPS controller that serves /.well-known/est/cacerts as we choose.
import * as assert from 'assert';
import * as crypto from 'crypto';
import * as https from 'https';
import type { AddressInfo } from 'net';
import forge from 'node-forge';
import { certificatesFromPkcs7 } from '../../../src/backends/ziti/pkcs7';
import { zitiModule } from '../../../src/backends/ziti/client';
import type { ConnectionRecord } from '../../../src/model/connection';
import { json, pki, startHttps, type Handler } from '../http/helpers';

/** A certs-only PKCS#7 SignedData holding `pems`, as DER. */
function bundleDer(pems: string[]): Buffer {
  const p7 = forge.pkcs7.createSignedData();
  for (const pem of pems) {
    p7.addCertificate(forge.pki.certificateFromPem(pem));
  }
  return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
}

/** What Node itself prints for the certificate: 64-character base64 lines, "\n" line ends. */
function canonical(pem: string): string {
  return new crypto.X509Certificate(pem).toString();
}

function sha256Colons(pem: string): string {
  return new crypto.X509Certificate(pem).fingerprint256;
}

/** DER of an ASN.1 value built with forge. */
function der(node: forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(node).getBytes(), 'binary');
}

const { asn1 } = forge;

describe('OpenZiti CA bundle (PKCS#7) and the cacerts trust bootstrap', function () {
  this.timeout(30_000);
  before(function () {
    // The shared test PKI (RSA key pairs) is made once per run.
    this.timeout(120_000);
    pki();
  });

  describe('certificatesFromPkcs7', () => {
    it('gives every certificate of a base64 bundle as a PEM, in order, exactly as Node prints it', () => {
      const { caPem, otherCaPem } = pki();
      const b64 = bundleDer([caPem, otherCaPem]).toString('base64');
      const pems = certificatesFromPkcs7(b64);
      assert.deepStrictEqual(pems, [canonical(caPem), canonical(otherCaPem)]);
      for (const pem of pems) {
        const body = pem.split('\n').filter((l) => l && !l.startsWith('-----'));
        assert.ok(body.length > 1 && body.slice(0, -1).every((l) => l.length === 64), 'base64 in 64-character lines');
      }
    });

    it('reads a bundle wrapped in PEM armor and line breaks, and a DER Buffer', () => {
      const { caPem } = pki();
      const d = bundleDer([caPem]);
      const wrapped = `-----BEGIN PKCS7-----\r\n${d.toString('base64').replace(/.{1,76}/g, '$&\r\n')}-----END PKCS7-----\n`;
      assert.deepStrictEqual(certificatesFromPkcs7(wrapped), [canonical(caPem)]);
      assert.deepStrictEqual(certificatesFromPkcs7(d), [canonical(caPem)]);
    });

    it('a SignedData without certificates gives none', () => {
      const d = bundleDer([]);
      assert.deepStrictEqual(certificatesFromPkcs7(d), []);
      assert.deepStrictEqual(certificatesFromPkcs7(d.toString('base64')), []);
    });

    it('text that is not DER is refused as undecodable', () => {
      assert.throws(() => certificatesFromPkcs7('bm90IHBrY3M3'), (e: Error) => e.message === 'the CA bundle is not valid PKCS#7 (DER could not be decoded)');
    });

    it('DER that is not a SEQUENCE is not a ContentInfo', () => {
      const integer = der(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, '\x05'));
      assert.throws(() => certificatesFromPkcs7(integer), (e: Error) => e.message === 'the CA bundle is not a PKCS#7 ContentInfo');
    });

    it('a ContentInfo of another type, or without an OID, is not SignedData', () => {
      const data = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer('1.2.840.113549.1.7.1').getBytes()),
        asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, 'x')]),
      ]);
      assert.throws(() => certificatesFromPkcs7(der(data)), (e: Error) => e.message === 'the CA bundle is not PKCS#7 SignedData');
      const noOid = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, '\x01')]);
      assert.throws(() => certificatesFromPkcs7(der(noOid)), (e: Error) => e.message === 'the CA bundle is not PKCS#7 SignedData');
    });

    it('SignedData whose content is not a SEQUENCE is malformed', () => {
      const bad = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer('1.2.840.113549.1.7.2').getBytes()),
        asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, '\x01')]),
      ]);
      assert.throws(() => certificatesFromPkcs7(der(bad)), (e: Error) => e.message === 'the PKCS#7 SignedData is malformed');
    });
  });

  describe('trustCandidate (/.well-known/est/cacerts)', () => {
    function record(url: string): ConnectionRecord {
      return { id: 'probe', backend: 'ziti', label: 'Probe controller', endpoints: { url }, auth: { method: 'password', username: 'admin' }, source: 'user' };
    }

    async function withController<T>(handler: Handler, run: (url: string, requests: { url: string; headers: Record<string, unknown> }[]) => Promise<T>): Promise<T> {
      const server = await startHttps(handler, pki().leaf);
      try {
        return await run(server.url, server.requests);
      } finally {
        await server.close();
      }
    }

    function serve(status: number, body: string | Buffer): Handler {
      return (req, res) => {
        if (req.url === '/.well-known/est/cacerts') {
          res.writeHead(status, { 'content-type': 'application/pkcs7-mime' });
          res.end(body);
        } else {
          json(res, 404, { error: { code: 'NOT_FOUND' } });
        }
      };
    }

    it('offers the bundle the controller serves, verified when the controller chains to it, with fingerprints', async () => {
      const { caPem } = pki();
      await withController(serve(200, bundleDer([caPem]).toString('base64')), async (url, requests) => {
        const c = await zitiModule.trustCandidate!(record(url));
        assert.strictEqual(c.verified, true);
        assert.strictEqual(c.source, "the controller's CA bundle (/.well-known/est/cacerts)");
        assert.strictEqual(c.certificates.length, 1);
        assert.strictEqual(c.certificates[0].pem, canonical(caPem));
        assert.strictEqual(c.certificates[0].sha256, sha256Colons(caPem));
        assert.match(c.certificates[0].subject, /HTTP core test CA/);
        const get = requests.filter((r) => r.url === '/.well-known/est/cacerts');
        assert.strictEqual(get.length, 1);
        assert.strictEqual(get[0].headers.accept, 'application/pkcs7-mime');
      });
    });

    it('a bundle the controller does not chain to is offered unverified', async () => {
      const { otherCaPem } = pki();
      await withController(serve(200, bundleDer([otherCaPem]).toString('base64')), async (url) => {
        const c = await zitiModule.trustCandidate!(record(url));
        assert.strictEqual(c.verified, false);
        assert.deepStrictEqual(
          c.certificates.map((x) => x.pem),
          [canonical(otherCaPem)],
        );
      });
    });

    it('a controller that cannot be reached for the chain check is offered unverified', async () => {
      const { caPem, leaf } = pki();
      const body = bundleDer([caPem]).toString('base64');
      const server = https.createServer({ cert: leaf.certPem, key: leaf.keyPem }, (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/pkcs7-mime', connection: 'close' });
        // After the bundle, the controller stops listening: the verifying handshake cannot connect.
        res.end(body, () => server.close());
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      try {
        const c = await zitiModule.trustCandidate!(record(`https://127.0.0.1:${(server.address() as AddressInfo).port}`), undefined, { timeoutMs: 5_000 });
        assert.strictEqual(c.verified, false);
        assert.deepStrictEqual(
          c.certificates.map((x) => x.pem),
          [canonical(caPem)],
        );
      } finally {
        server.closeAllConnections();
        server.close();
      }
    });

    it('a status other than 200 is an error naming it', async () => {
      await withController(serve(404, 'nope'), async (url) => {
        await assert.rejects(zitiModule.trustCandidate!(record(url)), (e: Error) => e.message === '/.well-known/est/cacerts answered 404');
      });
    });

    it('a bundle without certificates is an error naming the connection', async () => {
      await withController(serve(200, bundleDer([]).toString('base64')), async (url) => {
        await assert.rejects(zitiModule.trustCandidate!(record(url)), (e: Error) => e.message === "Probe controller: the controller's CA bundle holds no certificate");
      });
    });

    it('a bundle over the size limit is refused with the limit named', async () => {
      await withController(serve(200, Buffer.alloc(1024 * 1024 + 10, 0x41)), async (url) => {
        await assert.rejects(zitiModule.trustCandidate!(record(url)), (e: Error) => e.message === 'Probe controller: the server sent too much: its CA bundle is larger than 1 MiB');
      });
    });
  });
});
