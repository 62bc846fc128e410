import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PostLoginOutcome } from '../../actions/post-login.service.js';
import { ApisService, type ApiRecord } from '../../apis/apis.service.js';
import { AuthorizationCodesService } from '../../authorize/authorization-codes.service.js';
import type { AuthorizationCodeEntity } from '../../authorize/authorization-code.entity.js';
import { DbService } from '../../database/db.service.js';
import { OAuthError } from '../../errors/api-error.js';
import { resolveAudience } from '../../rules/audience-rules.js';
import { SecretsService } from '../../keys/secrets.service.js';
import { pkceVerifierMatches } from '../../rules/pkce.js';
import type { TenantContext } from '../../tenants/tenant-context.js';
import { UsersService } from '../../users/users.service.js';
import { ClientAuthenticator, type AuthenticatedClient } from '../client-authenticator.js';
import { readOAuthParams, type OAuthParams } from '../../common/oauth-params.js';
import { RefreshTokensService } from '../refresh-tokens.service.js';
import type { TokenFamilyEntity } from '../token-family.entity.js';
import { invalidGrant, userBlocked } from '../user-grant-errors.js';
import { UserTokensIssuer } from '../user-tokens.issuer.js';
import type { GrantContext, GrantHandler, TokenResponse } from './grant-handler.js';

const PARAMS = ['grant_type', 'code', 'redirect_uri', 'code_verifier', 'client_id', 'client_secret'] as const;

type Redemption =
  | { kind: 'redeemed'; code: AuthorizationCodeEntity; family: TokenFamilyEntity; api?: ApiRecord; refreshToken?: string }
  | { kind: 'invalid_code' | 'redirect_mismatch' | 'pkce_failed' };

/**
 * RFC 6749 §4.1.3 with RFC 7636: a code is good once, for the client it was issued to, with the
 * redirect_uri and PKCE verifier of its request, within its lifetime. A replayed code is refused and
 * revokes everything its first redemption issued (§4.1.2).
 */
@Injectable()
export class AuthorizationCodeGrant implements GrantHandler {
  readonly grantTypes = ['authorization_code'];

  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly codes: AuthorizationCodesService,
    private readonly refreshTokens: RefreshTokensService,
    private readonly users: UsersService,
    private readonly apis: ApisService,
    private readonly issuer: UserTokensIssuer,
    private readonly secrets: SecretsService,
    private readonly db: DbService,
  ) {}

  async handle(ctx: GrantContext): Promise<TokenResponse> {
    const params = readOAuthParams(ctx.body, PARAMS);
    const client = await this.authenticator.authenticateFor('authorization_code', ctx.tenant.id, ctx.authorization, params);
    const code = params.get('code');
    if (!code) {
      throw OAuthError.invalidRequest('Missing required parameter: code');
    }

    const redemption = await this.redeem(ctx.tenant, client, code, params);
    switch (redemption.kind) {
      case 'invalid_code':
        throw invalidGrant('Invalid authorization code');
      case 'redirect_mismatch':
        throw invalidGrant('redirect_uri does not match the redirect_uri of the authorization request');
      case 'pkce_failed':
        throw invalidGrant('Failed to verify code verifier');
      case 'redeemed':
        break;
    }

    const { code: row, family, api, refreshToken } = redemption;
    const user = await this.users.forTokens(ctx.tenant.id, row.userId);
    if (!user || user.blocked) {
      await this.refreshTokens.revoke(ctx.tenant.id, family.id, 'user_unavailable');
      throw user ? userBlocked() : invalidGrant('Invalid authorization code');
    }
    return this.issuer.issueTokenResponse({
      tenant: ctx.tenant,
      client: client.record,
      user,
      family,
      scopes: row.scope,
      api,
      nonce: row.nonce ?? undefined,
      storedRefreshToken: refreshToken,
      actions: row.actionResult ? (JSON.parse(row.actionResult) as PostLoginOutcome) : undefined,
    });
  }

  /**
   * Checks the code, then consumes it in one transaction with everything its redemption issues (the token
   * family and, when one comes with the response, the first refresh token). The read is outside the
   * transaction; the conditional UPDATE alone decides between concurrent redemptions, and a loser re-reads
   * the row inside the transaction and revokes what the winner issued, as for any replay.
   * Round trips: SELECT, BEGIN, UPDATE, INSERT family [, INSERT refresh token], COMMIT; on PostgreSQL the
   * SELECT and one statement.
   */
  private async redeem(tenant: TenantContext, client: AuthenticatedClient, code: string, params: OAuthParams): Promise<Redemption> {
    const row = await this.codes.find(tenant.id, code);
    const now = Math.floor(Date.now() / 1000);
    if (!row || row.clientId !== client.record.entity.clientId || row.expiresAt <= now) {
      return { kind: 'invalid_code' };
    }
    if (row.redeemedAt !== null) {
      if (row.familyId) {
        await this.refreshTokens.revoke(tenant.id, row.familyId, 'code_replay');
      }
      return { kind: 'invalid_code' };
    }
    if (!this.redirectUriMatches(row, params.get('redirect_uri'))) {
      return { kind: 'redirect_mismatch' };
    }
    if (!this.verifierMatches(row, params.get('code_verifier'))) {
      return { kind: 'pkce_failed' };
    }
    const api = await this.resolveApi(tenant, row.audience);
    const withRefresh = this.issuer.mayRefresh({ scopes: row.scope, api, client: client.record });
    const familyId = this.refreshTokens.newFamilyId();
    const input = {
      tenantId: tenant.id,
      clientId: row.clientId,
      userId: row.userId,
      audience: row.audience,
      scope: row.scope,
      sessionId: row.sessionId,
      authTime: row.authTime,
    };
    if (this.refreshTokens.singleStatementWrites) {
      // PostgreSQL: the consuming UPDATE, the family and its first refresh token in one statement.
      const consume = this.codes.consumeStatement(row, familyId);
      const made = await this.refreshTokens.createFamilyAfter(consume, familyId, input, withRefresh);
      if (made) {
        Object.assign(row, { redeemedAt: consume.redeemedAt, familyId });
        return { kind: 'redeemed', code: row, family: made.family, api, refreshToken: made.refreshToken };
      }
      return this.db.write((em) => this.lostRedemption(em, tenant, code));
    }
    return this.db.write(async (em): Promise<Redemption> => {
      if (!(await this.codes.markRedeemedIn(row, familyId))) {
        return this.lostRedemption(em, tenant, code);
      }
      const family = await this.refreshTokens.createFamilyIn(em, familyId, input);
      const refreshToken = withRefresh ? await this.refreshTokens.issueTokenIn(em, family) : undefined;
      return { kind: 'redeemed', code: row, family, api, refreshToken };
    });
  }

  /** Another redemption consumed the code first: this one is a replay, and revokes what the winner issued. */
  private async lostRedemption(em: EntityManager, tenant: TenantContext, code: string): Promise<Redemption> {
    const winner = await this.codes.findIn(em, tenant.id, code);
    if (winner?.familyId) {
      await this.refreshTokens.revokeIn(em, tenant.id, winner.familyId, 'code_replay');
    }
    return { kind: 'invalid_code' };
  }

  /** §4.1.3: required and identical when the authorization request carried one. */
  private redirectUriMatches(row: AuthorizationCodeEntity, given: string | undefined): boolean {
    return row.redirectUri === null || given === row.redirectUri;
  }

  /** RFC 7636 §4.6; a verifier for a code issued without a challenge is refused too (downgrade). */
  private verifierMatches(row: AuthorizationCodeEntity, verifier: string | undefined): boolean {
    if (row.codeChallenge === null) {
      return verifier === undefined;
    }
    return pkceVerifierMatches(
      row.codeChallenge,
      verifier,
      (v) => this.secrets.hash(v),
      (a, b) => this.secrets.equals(a, b),
    );
  }

  /** The code keeps the audience /authorize resolved; no Default Audience applies any more. */
  private async resolveApi(tenant: TenantContext, audience: string | null): Promise<ApiRecord | undefined> {
    const resolved = await resolveAudience({
      audience: audience ?? undefined,
      defaultAudience: '',
      findApi: (identifier) => this.apis.findByIdentifier(tenant.id, identifier),
    });
    return resolved?.api;
  }
}
