import { Injectable } from '@nestjs/common';
import type { ClientRecord } from '../clients/clients.service.js';
import { JwtService } from '../keys/jwt.service.js';
import { oidcTokenHash } from '../keys/oidc-hash.js';
import { claimsForScopes } from '../rules/user-flow-scopes.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import type { UserEntity } from '../users/user.entity.js';
import { toOidcProfile } from '../users/user.mapper.js';

/** Auth0's default `jwt_configuration.lifetime_in_seconds`. */
export const DEFAULT_ID_TOKEN_LIFETIME = 36000;

export interface IdTokenRequest {
  tenant: TenantContext;
  client: ClientRecord;
  user: UserEntity;
  scopes: readonly string[];
  nonce?: string;
  authTime?: number;
  sessionId?: string;
  /** The access token issued alongside, for `at_hash`. */
  accessToken?: string;
  /** Claims from post-login actions, already filtered; the token's own claims win over them. */
  customClaims?: Record<string, unknown>;
  /** The code issued alongside (hybrid flow, OIDC Core §3.3.2.11), for `c_hash`. */
  code?: string;
}

/**
 * OIDC ID tokens (Core §2): for the client (`aud` = client_id), signed RS256 with the tenant key, or
 * HS256 with the client secret when the client's `jwt_configuration.alg` says so. Profile and email
 * claims follow the granted scopes.
 */
@Injectable()
export class IdTokenIssuer {
  constructor(private readonly jwt: JwtService) {}

  async issueIdToken(req: IdTokenRequest): Promise<string> {
    const config = req.client.entity.jwtConfiguration;
    const iat = Math.floor(Date.now() / 1000);
    const lifetime = config?.lifetime_in_seconds ?? DEFAULT_ID_TOKEN_LIFETIME;
    const claims: Record<string, unknown> = {
      ...req.customClaims,
      ...claimsForScopes(req.scopes, toOidcProfile(req.user)),
      iss: req.tenant.issuer,
      sub: req.user.userId,
      aud: req.client.entity.clientId,
      iat,
      exp: iat + lifetime,
    };
    if (req.authTime !== undefined) {
      claims.auth_time = req.authTime;
    }
    if (req.nonce !== undefined) {
      claims.nonce = req.nonce;
    }
    if (req.sessionId) {
      claims.sid = req.sessionId;
    }
    if (req.accessToken) {
      claims.at_hash = oidcTokenHash(req.accessToken);
    }
    if (req.code) {
      claims.c_hash = oidcTokenHash(req.code);
    }
    const hs256 = config?.alg === 'HS256';
    return this.jwt.sign(claims, {
      tenantId: req.tenant.id,
      alg: hs256 ? 'HS256' : 'RS256',
      hmacSecret: hs256 ? req.client.clientSecret : undefined,
    });
  }
}
