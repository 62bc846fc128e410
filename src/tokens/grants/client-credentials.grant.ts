import { Injectable } from '@nestjs/common';
import { ApisService } from '../../apis/apis.service.js';
import { ClientGrantsService } from '../../client-grants/client-grants.service.js';
import { OAuthError } from '../../errors/api-error.js';
import { resolveAudience } from '../../rules/audience-rules.js';
import { TenantsService } from '../../tenants/tenants.service.js';
import { AccessTokenIssuer } from '../access-token.issuer.js';
import { ClientAuthenticator } from '../client-authenticator.js';
import { readOAuthParams, splitScope } from '../../common/oauth-params.js';
import type { GrantContext, GrantHandler, TokenResponse } from './grant-handler.js';

const PARAMS = ['grant_type', 'client_id', 'client_secret', 'audience', 'resource', 'scope'] as const;

/** RFC 6749 §4.4: a confidential client asks for a token for an API it holds a client grant on. */
@Injectable()
export class ClientCredentialsGrant implements GrantHandler {
  readonly grantTypes = ['client_credentials'];

  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly tenants: TenantsService,
    private readonly apis: ApisService,
    private readonly grants: ClientGrantsService,
    private readonly issuer: AccessTokenIssuer,
  ) {}

  async handle(ctx: GrantContext): Promise<TokenResponse> {
    const params = readOAuthParams(ctx.body, PARAMS);
    const client = await this.authenticator.authenticate(ctx.tenant.id, ctx.authorization, params);
    const entity = client.record.entity;
    if (!client.confidential) {
      throw OAuthError.unauthorizedClient('Public clients cannot use the client_credentials grant');
    }
    if (!entity.grantTypes.includes('client_credentials')) {
      throw OAuthError.unauthorizedClient(`Grant type 'client_credentials' not allowed for the client.`);
    }

    const tenant = await this.tenants.get(ctx.tenant.id);
    const resolved = await resolveAudience({
      audience: params.get('audience'),
      resource: params.get('resource'),
      defaultAudience: tenant.defaultAudience,
      findApi: (identifier) => this.apis.findByIdentifier(ctx.tenant.id, identifier),
    });
    if (!resolved) {
      throw OAuthError.accessDenied('No audience parameter was provided, and no default audience has been configured');
    }
    const { identifier: audience, api } = resolved;
    const granted = await this.grants.grantedScopes(ctx.tenant.id, entity.clientId, audience);
    if (!granted) {
      throw OAuthError.accessDenied(`Client "${entity.clientId}" is not authorized to access resource server "${audience}".`);
    }
    const asked = splitScope(params.get('scope'));
    const missing = asked.filter((s) => !granted.includes(s));
    if (missing.length > 0) {
      throw OAuthError.accessDenied(`Client has not been granted scopes: ${missing.join(', ')}`);
    }
    const scopes = asked.length > 0 ? asked : granted;

    const token = await this.issuer.issueAccessToken({
      tenant: ctx.tenant,
      api,
      subject: `${entity.clientId}@clients`,
      clientId: entity.clientId,
      scopes,
      gty: 'client-credentials',
    });
    const body: TokenResponse = { access_token: token.accessToken, token_type: 'Bearer', expires_in: token.expiresIn };
    if (token.scope) {
      body.scope = token.scope;
    }
    return body;
  }
}
