import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { selfSignedCertificate } from './x509.js';

describe('selfSignedCertificate', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const input = {
    privateKey,
    publicKey,
    commonName: 'tenant.example.com',
    serial: Buffer.from('00ff01', 'hex'),
    notBefore: new Date('2024-05-06T07:08:09Z'),
    notAfter: new Date('2054-05-06T07:08:09Z'),
  };
  const c = selfSignedCertificate(input);
  const x = new X509Certificate(c.cert);

  it('is a parseable, self-signed v3 CA certificate for the key', () => {
    expect(x.subject).toBe('CN=tenant.example.com');
    expect(x.issuer).toBe('CN=tenant.example.com');
    expect(x.ca).toBe(true);
    expect(x.verify(publicKey)).toBe(true);
    expect(x.publicKey.export({ format: 'jwk' })).toEqual(publicKey.export({ format: 'jwk' }));
    expect(x.serialNumber).toBe('FF01');
  });

  it('encodes UTCTime before 2050 and GeneralizedTime after', () => {
    expect(new Date(x.validFrom).toISOString()).toBe('2024-05-06T07:08:09.000Z');
    expect(new Date(x.validTo).toISOString()).toBe('2054-05-06T07:08:09.000Z');
  });

  it('gives fingerprint and thumbprint as SHA-1 hex of the DER', () => {
    expect(c.fingerprint).toBe(x.fingerprint);
    expect(c.thumbprint).toBe(x.fingerprint.replace(/:/g, ''));
    expect(c.thumbprint).toMatch(/^[0-9A-F]{40}$/);
  });

  it('wraps the same certificate in a PKCS#7 certificates-only SignedData', () => {
    const der = Buffer.from(c.pkcs7.replace(/-----[A-Z0-9 ]+-----|\n/g, ''), 'base64');
    // ContentInfo with the signedData OID (1.2.840.113549.1.7.2) ...
    expect(der.includes(Buffer.from('06092a864886f70d010702', 'hex'))).toBe(true);
    // ... and the certificate's own DER inside.
    expect(der.includes(c.der)).toBe(true);
  });

  it('is deterministic: the same inputs give the same certificate', () => {
    expect(selfSignedCertificate(input).cert).toBe(c.cert);
  });
});
