import { Injectable } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { compactVerify, decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import { TokenInvalidError } from './jwt.service.js';
import { hmacKey } from './key-material.js';
import { SigningKeysService } from './signing-keys.service.js';
import { isCanonicalCompact } from './token-spelling.js';

/**
 * Checks an `id_token_hint` (OIDC RP-Initiated Logout §2): an ID token this tenant issued, signed with a
 * tenant key (RS256/PS256) or the client's secret (HS256). Expired hints are accepted, as the spec allows;
 * the signature and issuer are not negotiable.
 */
@Injectable()
export class IdTokenHintVerifier {
  constructor(private readonly keys: SigningKeysService) {}

  async verify(
    token: string,
    tenantId: string,
    issuer: string,
    clientSecret: (clientId: string) => Promise<string | undefined>,
  ): Promise<JWTPayload & { aud: string }> {
    if (token.length > 8192 || !isCanonicalCompact(token, 3)) {
      throw new TokenInvalidError('Invalid id_token_hint');
    }
    let alg: string | undefined;
    let unverified: JWTPayload;
    try {
      const header = decodeProtectedHeader(token);
      // An ID token is a plain JWT: an access token (`at+jwt`) or any other typed JWT is not a hint.
      if (header.typ !== undefined && header.typ.toLowerCase() !== 'jwt') {
        throw new TokenInvalidError('Invalid id_token_hint');
      }
      alg = header.alg;
      unverified = decodeJwt(token);
    } catch {
      throw new TokenInvalidError('Invalid id_token_hint');
    }
    const aud = Array.isArray(unverified.aud) ? unverified.aud[0] : unverified.aud;
    if (typeof aud !== 'string') {
      throw new TokenInvalidError('Invalid id_token_hint');
    }
    let key: KeyObject | ((header: { kid?: string }) => KeyObject);
    if (alg === 'HS256') {
      const secret = await clientSecret(aud);
      if (!secret) {
        throw new TokenInvalidError('Invalid id_token_hint');
      }
      key = hmacKey(secret);
    } else if (alg === 'RS256' || alg === 'PS256') {
      key = (header) => {
        const k = header.kid ? this.keys.verificationKey(tenantId, header.kid) : undefined;
        if (!k) {
          throw new TokenInvalidError('Invalid id_token_hint');
        }
        return k.publicKey;
      };
    } else {
      throw new TokenInvalidError('Invalid id_token_hint');
    }
    let payload: JWTPayload;
    try {
      const verified = await compactVerify(token, key as never, { algorithms: [alg] });
      payload = JSON.parse(new TextDecoder().decode(verified.payload)) as JWTPayload;
    } catch {
      throw new TokenInvalidError('Invalid id_token_hint');
    }
    const verifiedAud = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
    if (payload.iss !== issuer || verifiedAud !== aud || typeof payload.sub !== 'string') {
      throw new TokenInvalidError('Invalid id_token_hint');
    }
    // Expiry is forgiven (the user may come back late to log out); a token not valid yet never is.
    const now = Math.floor(Date.now() / 1000);
    if ((typeof payload.nbf === 'number' && payload.nbf > now + 60) || (typeof payload.iat === 'number' && payload.iat > now + 60)) {
      throw new TokenInvalidError('Invalid id_token_hint');
    }
    return { ...payload, aud };
  }
}
