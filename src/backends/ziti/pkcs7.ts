// Reads the CA certificates out of the base64 PKCS#7 bundle an OpenZiti controller serves at
// /.well-known/est/cacerts (a degenerate SignedData that only carries certificates). DER decoding is asn1js's.
import * as asn1js from 'asn1js';
import { X509Certificate } from 'crypto';

function derToPem(der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END CERTIFICATE-----\n`;
}

/** PEM certificates from a base64 (or DER) PKCS#7 certs-only bundle. Throws with a clear message otherwise. */
export function certificatesFromPkcs7(body: string | Buffer): string[] {
  const der = typeof body === 'string' ? Buffer.from(body.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64') : body;
  const parsed = asn1js.fromBER(new Uint8Array(der));
  if (parsed.offset === -1) {
    throw new Error('the CA bundle is not valid PKCS#7 (DER could not be decoded)');
  }
  // ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT SignedData }
  const contentInfo = parsed.result;
  if (!(contentInfo instanceof asn1js.Sequence)) {
    throw new Error('the CA bundle is not a PKCS#7 ContentInfo');
  }
  const [oid, wrapped] = contentInfo.valueBlock.value;
  if (!(oid instanceof asn1js.ObjectIdentifier) || oid.valueBlock.toString() !== '1.2.840.113549.1.7.2') {
    throw new Error('the CA bundle is not PKCS#7 SignedData');
  }
  const signedData = (wrapped as asn1js.Constructed).valueBlock.value[0];
  if (!(signedData instanceof asn1js.Sequence)) {
    throw new Error('the PKCS#7 SignedData is malformed');
  }
  // SignedData ::= SEQUENCE { version, digestAlgorithms, encapContentInfo, certificates [0] IMPLICIT SET OF Certificate OPTIONAL, … }
  const certSet = signedData.valueBlock.value.find((b) => b.idBlock.tagClass === 3 && b.idBlock.tagNumber === 0) as asn1js.Constructed | undefined;
  if (!certSet) {
    return [];
  }
  const pems: string[] = [];
  for (const cert of certSet.valueBlock.value) {
    const pem = derToPem(cert.toBER(false));
    new X509Certificate(pem); // throws on anything that is not a certificate
    pems.push(pem);
  }
  return pems;
}
