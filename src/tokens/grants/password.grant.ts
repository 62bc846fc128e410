import { Injectable } from '@nestjs/common';
import { PostLoginService } from '../../actions/post-login.service.js';
import { ApisService, type ApiRecord } from '../../apis/apis.service.js';
import { OAuthError } from '../../errors/api-error.js';
import { BLOCKED_MESSAGE, LoginProtectionService } from '../../login-protection/login-protection.service.js';
import { resolveAudience } from '../../rules/audience-rules.js';
import { grantableUserScopes, userFlowApiOf } from '../../rules/user-flow-scopes.js';
import { userinfoAudience, type TenantContext } from '../../tenants/tenant-context.js';
import { TenantsService } from '../../tenants/tenants.service.js';
import { ConnectionsService } from '../../connections/connections.service.js';
import { DATABASE_CONNECTION } from '../../connections/database-connection.js';
import { UsersService } from '../../users/users.service.js';
import { ClientAuthenticator } from '../client-authenticator.js';
import { readOAuthParams, splitScope, type OAuthParams } from '../../common/oauth-params.js';
import { RefreshTokensService } from '../refresh-tokens.service.js';
import { invalidGrant, userBlocked } from '../user-grant-errors.js';
import { UserTokensIssuer } from '../user-tokens.issuer.js';
import type { GrantContext, GrantHandler, TokenResponse } from './grant-handler.js';

export const PASSWORD_REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';
const PARAMS = ['grant_type', 'username', 'password', 'realm', 'audience', 'resource', 'scope', 'client_id', 'client_secret'] as const;

/**
 * RFC 6749 §4.3, and Auth0's `password-realm` variant that names the connection. For highly trusted,
 * first-party clients that enable the grant; the connection is `realm`, or the tenant's
 * `default_directory` (its database connection when unset).
 */
@Injectable()
export class PasswordGrant implements GrantHandler {
  readonly grantTypes = ['password', PASSWORD_REALM_GRANT];

  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly tenants: TenantsService,
    private readonly apis: ApisService,
    private readonly users: UsersService,
    private readonly refreshTokens: RefreshTokensService,
    private readonly issuer: UserTokensIssuer,
    private readonly protection: LoginProtectionService,
    private readonly connections: ConnectionsService,
    private readonly postLogin: PostLoginService,
  ) {}

  async handle(ctx: GrantContext): Promise<TokenResponse> {
    const params = readOAuthParams(ctx.body, PARAMS);
    const grantType = params.get('grant_type') as string;
    const client = await this.authenticator.authenticateFor(grantType, ctx.tenant.id, ctx.authorization, params);
    const entity = client.record.entity;
    if (!entity.isFirstParty) {
      throw OAuthError.unauthorizedClient('Third-party clients cannot use the password grant.');
    }
    const username = params.get('username');
    const password = params.get('password');
    if (!username) {
      throw OAuthError.invalidRequest('Missing required parameter: username');
    }
    if (!password) {
      throw OAuthError.invalidRequest('Missing required parameter: password');
    }
    const settings = await this.tenants.get(ctx.tenant.id);
    const connection = this.connectionOf(grantType, params, settings.defaultDirectory);
    const use = await this.connections.forClient(ctx.tenant.id, connection, entity);
    if ('problem' in use) {
      throw use.problem === 'unknown'
        ? OAuthError.invalidRequest(
            grantType === PASSWORD_REALM_GRANT
              ? `Unknown realm: ${connection} is not a connection of this tenant`
              : `The tenant's default_directory "${connection}" is not a database connection of this tenant`,
          )
        : OAuthError.unauthorizedClient(`The connection ${connection} is not enabled for the client.`);
    }
    const bruteForce = use.options.brute_force_protection !== false;
    const api = await this.resolveApi(ctx.tenant, params, settings.defaultAudience);
    // Auth0: without `scope`, this trusted grant asks for every scope the API defines.
    const asked = params.has('scope') ? splitScope(params.get('scope')) : api ? [...api.scopeValues] : [];
    const scopes = grantableUserScopes(asked, api && userFlowApiOf(api));

    if (bruteForce && (await this.protection.isBlocked(ctx.tenant.id, username, ctx.ip))) {
      // Auth0's brute-force protection answer for the password grants.
      throw new OAuthError(429, 'too_many_attempts', BLOCKED_MESSAGE);
    }
    const check = await this.users.checkCredentials(ctx.tenant.id, connection, username, password);
    if ('failure' in check) {
      if (check.failure === 'wrong_password' && bruteForce) {
        await this.protection.recordFailure(ctx.tenant.id, username, ctx.ip, connection);
      }
      throw check.failure === 'blocked' ? userBlocked() : invalidGrant('Wrong email or password.');
    }
    await this.protection.recordSuccess(ctx.tenant.id, username, ctx.ip);
    await this.users.recordLogin(ctx.tenant.id, check.user.userId, undefined);
    const authTime = Math.floor(Date.now() / 1000);
    // The post-login actions run before anything is issued: a denial leaves no token family behind.
    const actions = await this.postLogin.run({
      tenant: ctx.tenant,
      client: { clientId: entity.clientId, name: entity.name },
      user: check.user,
      userMayBeStale: true,
      connection,
      protocol: 'oauth2-password',
      requestedScopes: asked,
      audience: api?.entity.identifier,
      authTime,
      request: {
        ip: ctx.ip,
        userAgent: ctx.userAgent,
        method: 'POST',
        body: safeBody(params, ['grant_type', 'username', 'realm', 'audience', 'scope', 'client_id']),
      },
    });
    const family = await this.refreshTokens.createFamily({
      tenantId: ctx.tenant.id,
      clientId: entity.clientId,
      userId: check.user.userId,
      audience: api?.entity.identifier ?? null,
      scope: scopes,
      sessionId: null,
      authTime,
    });
    return this.issuer.issueTokenResponse({ tenant: ctx.tenant, client: client.record, user: check.user, family, scopes, api, actions });
  }

  private connectionOf(grantType: string, params: OAuthParams, defaultDirectory: string): string {
    if (grantType === PASSWORD_REALM_GRANT) {
      const realm = params.get('realm');
      if (!realm) {
        throw OAuthError.invalidRequest('Missing required parameter: realm');
      }
      return realm;
    }
    return defaultDirectory || DATABASE_CONNECTION;
  }

  private async resolveApi(tenant: TenantContext, params: OAuthParams, defaultAudience: string): Promise<ApiRecord | undefined> {
    const resolved = await resolveAudience({
      audience: params.get('audience'),
      resource: params.get('resource'),
      defaultAudience,
      userinfoAudience: userinfoAudience(tenant.issuer),
      findApi: (identifier) => this.apis.findByIdentifier(tenant.id, identifier),
    });
    return resolved?.api;
  }
}

/** The request body an action may see: named fields only, never the password or the client secret. */
function safeBody(params: OAuthParams, names: string[]): Record<string, string> {
  const body: Record<string, string> = {};
  for (const n of names) {
    const v = params.get(n);
    if (v !== undefined) {
      body[n] = v;
    }
  }
  return body;
}
