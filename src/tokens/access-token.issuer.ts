import { Injectable } from '@nestjs/common';
import type { ApiRecord } from '../apis/apis.service.js';
import { JwtService } from '../keys/jwt.service.js';
import { SecretsService } from '../keys/secrets.service.js';
import { encryptNestedJwt } from '../keys/token-encryption.js';
import { ReferenceTokensService } from '../reference-tokens/reference-tokens.service.js';
import { accessTokenShape, shapeApiOf } from '../rules/access-token-shape.js';
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

/** Builds and signs access tokens for APIs, in the shape `accessTokenShape` decides. */
@Injectable()
export class AccessTokenIssuer {
  constructor(
    private readonly jwt: JwtService,
    private readonly secrets: SecretsService,
    private readonly refs: ReferenceTokensService,
  ) {}

  async issueAccessToken(req: AccessTokenRequest): Promise<IssuedAccessToken> {
    const api = req.api.entity;
    const shape = accessTokenShape(shapeApiOf(api), {
      openid: Boolean(req.openid),
      web: Boolean(req.web),
      userinfoAudience: userinfoAudience(req.tenant.issuer),
    });
    if (shape.format === 'userinfo') {
      throw new Error('an API token was shaped as a userinfo token'); // unreachable: the API is given
    }
    const now = Math.floor(Date.now() / 1000);
    const { expiresIn } = shape;
    const scope = req.scopes.join(' ');

    const claims: Record<string, unknown> = {
      iss: req.tenant.issuer,
      sub: req.subject,
      aud: shape.aud,
      iat: now,
      exp: now + expiresIn,
      jti: this.secrets.newId(),
    };
    if (shape.clientIdClaim) {
      claims.client_id = req.clientId;
    }
    if (scope) {
      claims.scope = scope;
    }
    if (req.gty) {
      claims.gty = req.gty;
    }
    claims.azp = req.clientId;
    if (shape.permissionsClaim) {
      claims.permissions = req.permissions ?? req.scopes.filter((s) => req.api.scopeValues.has(s));
    }
    Object.assign(claims, req.extraClaims);

    if (shape.format === 'opaque') {
      // Tessera's opaque format: a random reference; the claims stay here, for introspection.
      const accessToken = await this.refs.issueOpaque(req.tenant.id, req.clientId, api.identifier, claims);
      return { accessToken, expiresIn, scope };
    }
    let accessToken = await this.jwt.sign(claims, {
      tenantId: req.tenant.id,
      alg: shape.alg,
      hmacSecret: req.api.signingSecret,
      typ: shape.typ,
    });
    if (shape.format === 'nested-jwe' && api.tokenEncryption && req.api.encryptionKey) {
      // Nested JWE to the API's own key; remembered by hash so introspection can still answer for it.
      accessToken = await encryptNestedJwt(accessToken, req.api.encryptionKey, api.tokenEncryption.encryption_key.kid ?? '');
      await this.refs.remember(req.tenant.id, 'encrypted', accessToken, req.clientId, api.identifier, claims);
    }
    return { accessToken, expiresIn, scope };
  }
}
