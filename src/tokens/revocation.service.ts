import { Injectable } from '@nestjs/common';
import { OAuthError } from '../errors/api-error.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import { ClientAuthenticator } from './client-authenticator.js';
import { readOAuthParams } from './oauth-params.js';
import { RefreshTokensService } from './refresh-tokens.service.js';

const PARAMS = ['token', 'token_type_hint', 'client_id', 'client_secret'] as const;

/**
 * RFC 7009 for refresh tokens: the client proves who it is, and its token's family is revoked. Unknown
 * tokens (and access tokens, which Tessera does not revoke one by one) are answered 200 like revoked ones
 * (§2.2), so the answer tells nothing.
 */
@Injectable()
export class RevocationService {
  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly refreshTokens: RefreshTokensService,
  ) {}

  async revoke(tenant: TenantContext, authorization: string | undefined, body: unknown): Promise<void> {
    const params = readOAuthParams(body, PARAMS);
    const client = await this.authenticator.authenticate(tenant.id, authorization, params);
    const token = params.get('token');
    if (!token) {
      throw OAuthError.invalidRequest('Missing required parameter: token');
    }
    const hint = params.get('token_type_hint');
    if (hint !== undefined && hint !== 'refresh_token' && hint !== 'access_token') {
      throw new OAuthError(400, 'unsupported_token_type', `Unsupported token_type_hint: ${hint}`);
    }
    const outcome = await this.refreshTokens.revokeByToken(tenant.id, token, client.record.entity.clientId);
    if (outcome === 'foreign') {
      // §2.1: a client may revoke only its own tokens.
      throw OAuthError.invalidRequest('The token was not issued to this client');
    }
  }
}
