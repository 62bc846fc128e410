/** One tenant signing key as Auth0's `GET /api/v2/keys/signing` gives it: public parts only. */
export interface SigningKeyResponse {
  kid: string;
  cert: string;
  pkcs7: string;
  fingerprint: string;
  thumbprint: string;
  current: boolean;
  next: boolean;
  previous: boolean;
  revoked: boolean;
  current_since?: string;
  current_until?: string;
  revoked_at?: string;
}

/** What rotate (the new current key) and revoke (the revoked key) answer. */
export interface SigningKeyRefResponse {
  cert: string;
  kid: string;
}
