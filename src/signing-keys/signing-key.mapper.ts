import type { SigningKeyEntity } from '../keys/signing-key.entity.js';
import type { SelfSignedCertificate } from '../keys/x509.js';
import type { SigningKeyResponse } from './dto/signing-key.dto.js';

export function toSigningKeyResponse(e: SigningKeyEntity, cert: SelfSignedCertificate): SigningKeyResponse {
  const body: SigningKeyResponse = {
    kid: e.kid,
    cert: cert.cert,
    pkcs7: cert.pkcs7,
    fingerprint: cert.fingerprint,
    thumbprint: cert.thumbprint,
    current: e.status === 'current',
    next: e.status === 'next',
    previous: e.status === 'previous',
    revoked: e.status === 'revoked',
  };
  if (e.currentSince) {
    body.current_since = e.currentSince;
  }
  if (e.currentUntil) {
    body.current_until = e.currentUntil;
  }
  if (e.revokedAt) {
    body.revoked_at = e.revokedAt;
  }
  return body;
}
