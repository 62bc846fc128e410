import { Injectable } from '@nestjs/common';
import type { ApiRecord } from '../apis/apis.service.js';
import { JwtService } from '../keys/jwt.service.js';
import { SecretsService } from '../keys/secrets.service.js';
import { encryptNestedJwt } from '../keys/token-encryption.js';
import { ReferenceTokensService } from '../reference-tokens/reference-tokens.service.js';
import { accessTokenAudience } from '../rules/audience-rules.js';
import { userinfoAudience, type TenantContext } from '../tenants/tenant-context.js';

export interface AccessTokenRequest {
  tenant: TenantContext;
  api: ApiRecord;
  subject: string;
  clientId: string;
  scopes: string[];
  /** `client-credentials` for that grant; user flows carry none. */
  gty?: string;
  /** True when `openid` was asked in a user flow: the userinfo audience joins where the rule allows. */
  openid?: boolean;
  /** Browser-based flows use the API's `token_lifetime_for_web`. */
  web?: boolean;
  extraClaims?: Record<string, unknown>;
  /** The `permissions` claim under the authz dialects when RBAC decided it (enforce_policies); else the API scopes granted. */
  permissions?: string[];
}

export interface IssuedAccessToken {
  accessToken: string;
  expiresIn: number;
  scope: string;
}

/** Builds and signs access tokens for APIs, in the API's dialect and algorithm. */
@Injectable()
export class AccessTokenIssuer {
  constructor(
    private readonly jwt: JwtService,
    private readonly secrets: SecretsService,
    private readonly refs: ReferenceTokensService,
  ) {}

  async issue(req: AccessTokenRequest): Promise<IssuedAccessToken> {
    const api = req.api.entity;
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = req.web ? api.tokenLifetimeForWeb : api.tokenLifetime;
    const scope = req.scopes.join(' ');
    const rfc9068 = api.tokenDialect === 'rfc9068_profile' || api.tokenDialect === 'rfc9068_profile_authz';
    const authz = api.tokenDialect === 'access_token_authz' || api.tokenDialect === 'rfc9068_profile_authz';
    const aud = accessTokenAudience(
      { name: api.name, identifier: api.identifier, signingAlg: api.signingAlg, encrypted: Boolean(api.tokenEncryption) },
      Boolean(req.openid),
      userinfoAudience(req.tenant.issuer),
    );

    const claims: Record<string, unknown> = {
      iss: req.tenant.issuer,
      sub: req.subject,
      aud,
      iat: now,
      exp: now + expiresIn,
      jti: this.secrets.newId(),
    };
    if (rfc9068) {
      claims.client_id = req.clientId;
    }
    if (scope) {
      claims.scope = scope;
    }
    if (req.gty) {
      claims.gty = req.gty;
    }
    claims.azp = req.clientId;
    if (authz) {
      claims.permissions = req.permissions ?? req.scopes.filter((s) => req.api.scopeValues.has(s));
    }
    Object.assign(claims, req.extraClaims);

    if (api.accessTokenFormat === 'opaque') {
      // Tessera's opaque format: a random reference; the claims stay here, for introspection.
      const accessToken = await this.refs.issueOpaque(req.tenant.id, req.clientId, api.identifier, claims);
      return { accessToken, expiresIn, scope };
    }
    let accessToken = await this.jwt.sign(claims, {
      tenantId: req.tenant.id,
      alg: api.signingAlg,
      hmacSecret: req.api.signingSecret,
      typ: rfc9068 ? 'at+jwt' : 'JWT',
    });
    if (api.tokenEncryption && req.api.encryptionKey) {
      // Nested JWE to the API's own key; remembered by hash so introspection can still answer for it.
      accessToken = await encryptNestedJwt(accessToken, req.api.encryptionKey, api.tokenEncryption.encryption_key.kid ?? '');
      await this.refs.remember(req.tenant.id, 'encrypted', accessToken, req.clientId, api.identifier, claims);
    }
    return { accessToken, expiresIn, scope };
  }
}
