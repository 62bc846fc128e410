import { createHash, sign, type KeyObject } from 'node:crypto';

/*
 * A self-signed X.509 v3 certificate (RFC 5280) and its degenerate PKCS#7 wrapping (RFC 2315
 * SignedData with certificates only), written directly in DER so no dependency is needed. Auth0 gives
 * each tenant signing key such a certificate (`cert`, `pkcs7`, `fingerprint`, `thumbprint`); SAML and
 * WS-Fed relying parties, and some middleware, are configured with it rather than with the JWKS.
 */

function derLength(n: number): Buffer {
  if (n < 0x80) {
    return Buffer.from([n]);
  }
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) {
    bytes.unshift(v & 0xff);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

const sequence = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const explicit = (n: number, content: Buffer) => tlv(0xa0 + n, content);
const octetString = (content: Buffer) => tlv(0x04, content);
const bitString = (content: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), content]));
const utf8String = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const TRUE = tlv(0x01, Buffer.from([0xff]));
const NULL = Buffer.from([0x05, 0x00]);

function objectId(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const out = [40 * first + second];
  for (const arc of rest) {
    const base128 = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) {
      base128.unshift(0x80 | (v & 0x7f));
    }
    out.push(...base128);
  }
  return tlv(0x06, Buffer.from(out));
}

/** A non-negative INTEGER from big-endian bytes. */
function unsignedInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) {
    start++;
  }
  const trimmed = bytes.subarray(start);
  return tlv(0x02, trimmed[0] & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
function time(d: Date): Buffer {
  const iso = d.toISOString();
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  const year = d.getUTCFullYear();
  return year >= 1950 && year < 2050 ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${digits}Z`));
}

const SHA256_WITH_RSA = sequence(objectId('1.2.840.113549.1.1.11'), NULL);

function pem(label: string, der: Buffer): string {
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export interface CertificateInput {
  /** RSA key pair: the certificate carries the public key and is signed by the private one. */
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Subject and issuer common name (Auth0 uses the tenant's domain). */
  commonName: string;
  /** Positive serial number bytes (big-endian). */
  serial: Buffer;
  notBefore: Date;
  notAfter: Date;
}

export interface SelfSignedCertificate {
  der: Buffer;
  /** PEM `CERTIFICATE`. */
  cert: string;
  /** PEM `PKCS7`: a certificates-only SignedData holding `cert`. */
  pkcs7: string;
  /** SHA-1 of the DER certificate, upper-case hex pairs joined by colons (Auth0's `fingerprint`). */
  fingerprint: string;
  /** The same SHA-1 as plain upper-case hex (Auth0's `thumbprint`). */
  thumbprint: string;
}

/**
 * Builds a self-signed certificate, signed sha256WithRSAEncryption. Deterministic: RSASSA-PKCS1-v1_5 has
 * no randomness, so the same inputs always give the same certificate.
 */
export function selfSignedCertificate(input: CertificateInput): SelfSignedCertificate {
  const name = sequence(set(sequence(objectId('2.5.4.3'), utf8String(input.commonName))));
  const spki = input.publicKey.export({ type: 'spki', format: 'der' });
  // RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits (the PKCS#1 RSAPublicKey).
  const keyId = createHash('sha1')
    .update(input.publicKey.export({ type: 'pkcs1', format: 'der' }))
    .digest();
  const extensions = explicit(
    3,
    sequence(
      sequence(objectId('2.5.29.19'), octetString(sequence(TRUE))), // basicConstraints: CA
      sequence(objectId('2.5.29.14'), octetString(octetString(keyId))), // subjectKeyIdentifier
    ),
  );
  const tbs = sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))), // v3
    unsignedInteger(input.serial),
    SHA256_WITH_RSA,
    name,
    sequence(time(input.notBefore), time(input.notAfter)),
    name,
    spki,
    extensions,
  );
  const signature = sign('sha256', tbs, input.privateKey);
  const der = sequence(tbs, SHA256_WITH_RSA, bitString(signature));

  const signedData = sequence(
    unsignedInteger(Buffer.from([1])),
    set(), // digestAlgorithms
    sequence(objectId('1.2.840.113549.1.7.1')), // contentInfo: data, no content
    tlv(0xa0, der), // [0] IMPLICIT certificates
    set(), // signerInfos
  );
  const pkcs7 = sequence(objectId('1.2.840.113549.1.7.2'), explicit(0, signedData));

  const sha1 = createHash('sha1').update(der).digest('hex').toUpperCase();
  return {
    der,
    cert: pem('CERTIFICATE', der),
    pkcs7: pem('PKCS7', pkcs7),
    fingerprint: sha1.replace(/(..)(?!$)/g, '$1:'),
    thumbprint: sha1,
  };
}
