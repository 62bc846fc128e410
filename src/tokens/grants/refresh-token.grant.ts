import { Injectable } from '@nestjs/common';
import { PostLoginService } from '../../actions/post-login.service.js';
import { ApisService } from '../../apis/apis.service.js';
import { OAuthError } from '../../errors/api-error.js';
import { resolveAudience } from '../../rules/audience-rules.js';
import { UsersService } from '../../users/users.service.js';
import { ClientAuthenticator } from '../client-authenticator.js';
import { readOAuthParams, splitScope } from '../../common/oauth-params.js';
import { RefreshTokensService } from '../refresh-tokens.service.js';
import { invalidGrant, userBlocked } from '../user-grant-errors.js';
import { UserTokensIssuer } from '../user-tokens.issuer.js';
import type { GrantContext, GrantHandler, TokenResponse } from './grant-handler.js';

const PARAMS = ['grant_type', 'refresh_token', 'scope', 'client_id', 'client_secret'] as const;
const UNKNOWN = 'Unknown or invalid refresh token.';

/**
 * RFC 6749 §6 with rotation: each refresh token is good once and is replaced by a new one; reuse of an
 * old one revokes the family. `scope` may narrow the grant, never widen it.
 */
@Injectable()
export class RefreshTokenGrant implements GrantHandler {
  readonly grantTypes = ['refresh_token'];

  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly refreshTokens: RefreshTokensService,
    private readonly users: UsersService,
    private readonly apis: ApisService,
    private readonly issuer: UserTokensIssuer,
    private readonly postLogin: PostLoginService,
  ) {}

  async handle(ctx: GrantContext): Promise<TokenResponse> {
    const params = readOAuthParams(ctx.body, PARAMS);
    const client = await this.authenticator.authenticateFor('refresh_token', ctx.tenant.id, ctx.authorization, params);
    const token = params.get('refresh_token');
    if (!token) {
      throw OAuthError.invalidRequest('Missing required parameter: refresh_token');
    }

    // A bad scope is refused before the token is used up, so the client keeps a working token.
    let scopes: string[] = [];
    const rotated = await this.refreshTokens.rotate(ctx.tenant.id, token, client.record.entity.clientId, (family) => {
      scopes = this.narrowScopes(family.scope, params.get('scope'));
    });
    if (rotated.kind === 'invalid') {
      throw invalidGrant(UNKNOWN);
    }
    const { family, refreshToken } = rotated;
    const user = await this.users.forTokens(ctx.tenant.id, family.userId);
    if (!user || user.blocked) {
      await this.refreshTokens.revoke(ctx.tenant.id, family.id, 'user_unavailable');
      throw user ? userBlocked() : invalidGrant(UNKNOWN);
    }
    // The family keeps the audience it was granted; no Default Audience applies any more.
    const api = (
      await resolveAudience({
        audience: family.audience ?? undefined,
        defaultAudience: '',
        findApi: (identifier) => this.apis.findByIdentifier(ctx.tenant.id, identifier),
      })
    )?.api;
    // Auth0 runs post-login on refresh token exchanges too: claims are set anew, and a denial fails the exchange.
    const actions = await this.postLogin.run({
      tenant: ctx.tenant,
      client: { clientId: client.record.entity.clientId, name: client.record.entity.name },
      user,
      userMayBeStale: true,
      connection: user.connection,
      protocol: 'oauth2-refresh-token',
      requestedScopes: scopes,
      audience: family.audience ?? undefined,
      sessionId: family.sessionId ?? undefined,
      authTime: family.authTime,
      request: { ip: ctx.ip, userAgent: ctx.userAgent, method: 'POST', body: { grant_type: 'refresh_token' } },
    });
    return this.issuer.issueTokenResponse({
      tenant: ctx.tenant,
      client: client.record,
      user,
      family,
      scopes,
      api,
      storedRefreshToken: refreshToken,
      actions,
    });
  }

  /** RFC 6749 §6: the requested scope must not include any scope not originally granted. */
  private narrowScopes(granted: string[], requested: string | undefined): string[] {
    if (requested === undefined) {
      return granted;
    }
    const asked = splitScope(requested);
    const extra = asked.filter((s) => !granted.includes(s));
    if (extra.length > 0) {
      throw new OAuthError(400, 'invalid_scope', `The refresh token was not granted the scopes: ${extra.join(', ')}`);
    }
    return asked;
  }
}
