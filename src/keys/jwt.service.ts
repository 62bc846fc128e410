import { Injectable } from '@nestjs/common';
import type { KeyObject, webcrypto } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { SigningKeysService } from './signing-keys.service.js';
import { hmacCryptoKey, isAsymmetricAlg, type SigningAlg } from './key-material.js';
import { isCanonicalCompact } from './token-spelling.js';

export interface SignOptions {
  tenantId: string;
  alg: SigningAlg;
  /** Required for HS256: the API's or client's secret. */
  hmacSecret?: string;
  typ?: string;
}

export interface VerifyOptions {
  issuer: string;
  audience?: string | string[];
  typ?: string;
  maxTokenLength?: number;
}

export class TokenInvalidError extends Error {
  constructor(
    message: string,
    readonly reason: 'expired' | 'invalid' = 'invalid',
  ) {
    super(message);
  }
}

/** Signs and verifies JWTs with the tenant's keys; the only place tokens meet key material. */
@Injectable()
export class JwtService {
  /**
   * HMAC keys by secret, imported once as WebCrypto keys: given a secret KeyObject, jose exports and
   * imports it again on every signature (a tenth of an HS256 exchange's CPU, bench/RESULTS.md). Bounded:
   * cleared when it grows past the cap.
   */
  private readonly hmacKeys = new Map<string, Promise<webcrypto.CryptoKey>>();

  constructor(private readonly keys: SigningKeysService) {}

  private hmacKeyFor(secret: string): Promise<webcrypto.CryptoKey> {
    let key = this.hmacKeys.get(secret);
    if (!key) {
      if (this.hmacKeys.size >= 10000) {
        this.hmacKeys.clear();
      }
      key = hmacCryptoKey(secret);
      void key.catch(() => this.hmacKeys.delete(secret));
      this.hmacKeys.set(secret, key);
    }
    return key;
  }

  async sign(payload: JWTPayload, opts: SignOptions): Promise<string> {
    let key: KeyObject | webcrypto.CryptoKey;
    const header: JWTHeaderParameters = { alg: opts.alg, typ: opts.typ ?? 'JWT' };
    if (isAsymmetricAlg(opts.alg)) {
      const current = this.keys.current(opts.tenantId);
      key = current.privateKey;
      header.kid = current.kid;
    } else if (opts.alg === 'HS256' && opts.hmacSecret) {
      key = await this.hmacKeyFor(opts.hmacSecret);
    } else {
      throw new Error(`Cannot sign with ${opts.alg}`);
    }
    return new SignJWT(payload).setProtectedHeader(header).sign(key);
  }

  /**
   * Verifies a token signed by the tenant's RSA keys. Only RS256/PS256 are accepted and the key must be a
   * live tenant key named by `kid`: no `none`, no HMAC with a public key, no key taken from the token.
   */
  verifyTenantToken(token: string, tenantId: string, opts: VerifyOptions): Promise<JWTPayload> {
    return this.verifyAccessJws(token, ['RS256', 'PS256'], opts, (header) => {
      if (!header.kid) {
        throw new TokenInvalidError('Token has no kid');
      }
      const key = this.keys.verificationKey(tenantId, header.kid);
      if (!key) {
        throw new TokenInvalidError('Unknown signing key');
      }
      return key.publicKey;
    });
  }

  /** Verifies an HS256 token with an API's secret (never an RSA key). */
  async verifyHs256Token(token: string, secret: string, opts: VerifyOptions): Promise<JWTPayload> {
    const key = await this.hmacKeyFor(secret);
    return this.verifyAccessJws(token, ['HS256'], opts, () => key);
  }

  /**
   * The one acceptance path for bearer JWTs, whoever reads them (Management API, /userinfo,
   * introspection): the token's only spelling, a size cap, an access-token `typ`, the allowed algorithms,
   * then jose's signature and claim checks.
   */
  private async verifyAccessJws(
    token: string,
    algorithms: string[],
    opts: VerifyOptions,
    keyFor: (header: JWTHeaderParameters) => KeyObject | webcrypto.CryptoKey,
  ): Promise<JWTPayload> {
    if (token.length > (opts.maxTokenLength ?? 8192)) {
      throw new TokenInvalidError('Token too large');
    }
    if (!isCanonicalCompact(token, 3)) {
      throw new TokenInvalidError('Invalid token');
    }
    try {
      const { payload } = await jwtVerify(
        token,
        (header) => {
          if (!isAccessTokenTyp(header.typ)) {
            throw new TokenInvalidError('Unexpected token type');
          }
          return keyFor(header as JWTHeaderParameters);
        },
        { algorithms, issuer: opts.issuer, audience: opts.audience, typ: opts.typ, requiredClaims: ['exp'] },
      );
      return payload;
    } catch (e) {
      throw toInvalid(e);
    }
  }
}

/**
 * Bearer JWTs Tessera accepts are access tokens: `typ` absent, `JWT`, or RFC 9068's `at+jwt`. Any other
 * declared type (a logout token, a DPoP proof, ...) is a different kind of JWT and never an access token.
 */
export function isAccessTokenTyp(typ: string | undefined): boolean {
  if (typ === undefined) {
    return true;
  }
  const t = typ.toLowerCase().replace(/^application\//, '');
  return t === 'jwt' || t === 'at+jwt';
}

function toInvalid(e: unknown): TokenInvalidError {
  if (e instanceof TokenInvalidError) {
    return e;
  }
  if (e instanceof errors.JWTExpired) {
    return new TokenInvalidError('Token expired', 'expired');
  }
  if (e instanceof errors.JWTClaimValidationFailed) {
    return new TokenInvalidError(`Bad ${e.claim} claim`);
  }
  return new TokenInvalidError('Invalid token');
}
