import { Injectable } from '@nestjs/common';
import type { ApiRecord } from '../apis/apis.service.js';
import { accessTokenScopes, type PostLoginOutcome } from '../actions/post-login.service.js';
import { AuthorizationTokens, type AuthorizationTokenIssuer, type AuthorizationTokensRequest } from '../authorize/authorization-tokens.js';
import type { ClientRecord } from '../clients/clients.service.js';
import { UserinfoTokenService } from '../keys/userinfo-token.service.js';
import { RolesService } from '../roles/roles.service.js';
import { accessTokenShape } from '../rules/access-token-shape.js';
import { applyPolicies } from '../rules/rbac-scopes.js';
import { refreshTokensAllowed, userFlowApiOf } from '../rules/user-flow-scopes.js';
import { userinfoAudience, type TenantContext } from '../tenants/tenant-context.js';
import type { UserEntity } from '../users/user.entity.js';
import { AccessTokenIssuer } from './access-token.issuer.js';
import type { TokenResponse } from './grants/grant-handler.js';
import { IdTokenIssuer } from './id-token.js';
import { RefreshTokensService } from './refresh-tokens.service.js';
import type { TokenFamilyEntity } from './token-family.entity.js';

export interface UserTokensRequest {
  tenant: TenantContext;
  client: ClientRecord;
  user: UserEntity;
  family: TokenFamilyEntity;
  /** Scopes for this response (the family's, or fewer on a narrowing refresh). */
  scopes: string[];
  api?: ApiRecord;
  nonce?: string;
  /**
   * A refresh token already stored for this response: the rotation's successor, or the first token a code
   * redemption wrote in its own transaction. Otherwise a new one is stored here when allowed.
   */
  storedRefreshToken?: string;
  /** What the post-login actions decided: custom claims and access token scope changes. */
  actions?: PostLoginOutcome;
}

/**
 * The three tokens of a user flow (authorization code, refresh, password), in the seed documents'
 * formats: a JWT for an API (`aud` from the audience rule, `sub` the user, no `gty`), or an opaque
 * userinfo-only JWE when there is no API; an ID token with `openid`; a refresh token with
 * `offline_access` where the API and the client allow it.
 */
@Injectable()
export class UserTokensIssuer implements AuthorizationTokenIssuer {
  constructor(
    private readonly accessTokens: AccessTokenIssuer,
    private readonly idTokens: IdTokenIssuer,
    private readonly refreshTokens: RefreshTokensService,
    private readonly userinfoTokens: UserinfoTokenService,
    private readonly roles: RolesService,
    authorizationTokens: AuthorizationTokens,
  ) {
    authorizationTokens.register(this);
  }

  async issueTokenResponse(request: UserTokensRequest): Promise<TokenResponse> {
    const refresh = request.storedRefreshToken !== undefined || this.mayRefresh(request);
    // offline_access is only granted when a refresh token really comes with the response.
    let req = refresh ? request : { ...request, scopes: request.scopes.filter((s) => s !== 'offline_access') };
    const { scopes, permissions } = await this.withPolicies(req, req.scopes);
    req = { ...req, scopes };
    const openid = req.scopes.includes('openid');
    // api.accessToken.addScope/removeScope change the access token (and the scope the response reports) only.
    const accessScopes = accessTokenScopes(req.scopes, req.actions);
    const { accessToken, expiresIn } = await this.accessToken({ ...req, scopes: accessScopes }, openid, permissions);
    const body: TokenResponse = { access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn };
    if (openid) {
      body.id_token = await this.idTokens.issueIdToken({
        tenant: req.tenant,
        client: req.client,
        user: req.user,
        scopes: req.scopes,
        nonce: req.nonce,
        authTime: req.family.authTime,
        sessionId: req.family.sessionId ?? undefined,
        accessToken,
        customClaims: req.actions?.idTokenClaims,
      });
    }
    const refreshToken = req.storedRefreshToken ?? (refresh ? await this.refreshTokens.issueFirstToken(req.family) : undefined);
    if (refreshToken) {
      body.refresh_token = refreshToken;
    }
    body.scope = accessScopes.join(' ');
    return body;
  }

  /**
   * `token` and `id_token` from /authorize (OIDC Core §3.2.2.5, §3.3.2.5): the access token as the code
   * flow would issue it, the ID token with `at_hash` and `c_hash` for what travels beside it. Never a
   * refresh token: the front channel cannot keep one.
   */
  async issueAtAuthorization(req: AuthorizationTokensRequest): Promise<Record<string, string>> {
    const { scopes, permissions } = await this.withPolicies(
      req,
      req.scopes.filter((s) => s !== 'offline_access'),
    );
    const out: Record<string, string> = {};
    let accessToken: string | undefined;
    if (req.accessToken) {
      // A family, like a code redemption's, so logout and revocation end the opaque token too.
      const family = await this.refreshTokens.createFamily({
        tenantId: req.tenant.id,
        clientId: req.client.entity.clientId,
        userId: req.user.userId,
        audience: req.api?.entity.identifier ?? null,
        scope: scopes,
        sessionId: req.sessionId,
        authTime: req.authTime,
      });
      const accessScopes = accessTokenScopes(scopes, req.actions);
      const issued = await this.accessToken({ ...req, family, scopes: accessScopes }, scopes.includes('openid'), permissions);
      accessToken = issued.accessToken;
      Object.assign(out, {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: String(issued.expiresIn),
        scope: accessScopes.join(' '),
      });
    }
    if (req.idToken) {
      out.id_token = await this.idTokens.issueIdToken({
        tenant: req.tenant,
        client: req.client,
        user: req.user,
        scopes,
        nonce: req.nonce,
        authTime: req.authTime,
        sessionId: req.sessionId,
        accessToken,
        code: req.code,
        customClaims: req.actions?.idTokenClaims,
      });
    }
    return out;
  }

  /** RBAC: an API that enforces policies grants what the user's assignments allow as they are now (cached; every change drops the cache, so a refresh sees each one). */
  private async withPolicies(
    req: { tenant: TenantContext; user: UserEntity; api?: ApiRecord },
    scopes: string[],
  ): Promise<{ scopes: string[]; permissions?: string[] }> {
    if (!req.api?.entity.enforcePolicies || req.api.entity.isSystem) {
      return { scopes };
    }
    const effective = await this.roles.effectivePermissions(req.tenant.id, req.user.userId, req.api.entity.identifier);
    return applyPolicies(scopes, req.api.scopeValues, effective);
  }

  /** Whether a refresh token comes with this response (Auth0: the scope, the API and the client must all allow it). */
  mayRefresh(req: Pick<UserTokensRequest, 'scopes' | 'api' | 'client'>): boolean {
    return (
      req.scopes.includes('offline_access') &&
      refreshTokensAllowed(req.api && userFlowApiOf(req.api)) &&
      req.client.entity.grantTypes.includes('refresh_token')
    );
  }

  private async accessToken(
    req: UserTokensRequest,
    openid: boolean,
    permissions?: string[],
  ): Promise<{ accessToken: string; expiresIn: number }> {
    if (req.api) {
      const issued = await this.accessTokens.issueAccessToken({
        tenant: req.tenant,
        api: req.api,
        subject: req.user.userId,
        clientId: req.client.entity.clientId,
        scopes: req.scopes,
        openid,
        permissions,
        extraClaims: req.actions?.accessTokenClaims,
      });
      return { accessToken: issued.accessToken, expiresIn: issued.expiresIn };
    }
    const shape = accessTokenShape(undefined, { openid, web: false, userinfoAudience: userinfoAudience(req.tenant.issuer) });
    const iat = Math.floor(Date.now() / 1000);
    const accessToken = await this.userinfoTokens.encrypt(req.tenant.id, {
      iss: req.tenant.issuer,
      sub: req.user.userId,
      aud: shape.aud,
      azp: req.client.entity.clientId,
      scope: req.scopes.join(' '),
      iat,
      exp: iat + shape.expiresIn,
      fid: req.family.id,
      // Read back by /userinfo, as Auth0 answers an Action's ID token claims there.
      ...(req.actions && Object.keys(req.actions.idTokenClaims).length > 0 ? { cc: req.actions.idTokenClaims } : {}),
    });
    return { accessToken, expiresIn: shape.expiresIn };
  }
}
