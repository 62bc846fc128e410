import { Injectable } from '@nestjs/common';
import { isBasicAuthorization, parseBasicCredentials } from '../common/basic-credentials.js';
import { ClientsService, type ClientRecord } from '../clients/clients.service.js';
import { OAuthError } from '../errors/api-error.js';
import { SecretsService } from '../keys/secrets.service.js';
import type { OAuthParams } from '../common/oauth-params.js';

export interface AuthenticatedClient {
  record: ClientRecord;
  /** False for public clients (`token_endpoint_auth_method: none`) that only named themselves. */
  confidential: boolean;
}

@Injectable()
export class ClientAuthenticator {
  constructor(
    private readonly clients: ClientsService,
    private readonly secrets: SecretsService,
  ) {}

  /** The client of a grant: authenticated, and registered for `grantType` (else 403 unauthorized_client). */
  async authenticateFor(
    grantType: string,
    tenantId: string,
    authorization: string | undefined,
    params: OAuthParams,
  ): Promise<AuthenticatedClient> {
    const client = await this.authenticate(tenantId, authorization, params);
    if (!client.record.entity.grantTypes.includes(grantType)) {
      throw OAuthError.unauthorizedClient(`Grant type '${grantType}' not allowed for the client.`);
    }
    return client;
  }

  /**
   * Authenticates with client_secret_basic or client_secret_post (either is accepted for a confidential
   * client, as Auth0 does), or identifies a public client by `client_id` alone.
   */
  async authenticate(tenantId: string, authorization: string | undefined, params: OAuthParams): Promise<AuthenticatedClient> {
    const basicHeader = isBasicAuthorization(authorization);
    const basic = basicHeader ? parseBasicCredentials(authorization) : undefined;
    if (basicHeader && !basic) {
      throw OAuthError.invalidClient('Malformed HTTP Basic client credentials', true);
    }
    if (basic && params.has('client_secret')) {
      throw OAuthError.invalidRequest('Use only one client authentication method');
    }
    if (basic && params.has('client_id') && params.get('client_id') !== basic.id) {
      throw OAuthError.invalidRequest('client_id does not match the HTTP Basic credentials');
    }
    const clientId = basic?.id ?? params.get('client_id');
    const secret = basic?.secret ?? params.get('client_secret');
    if (!clientId) {
      throw OAuthError.invalidRequest('Missing required parameter: client_id');
    }
    const record = await this.clients.findByClientId(tenantId, clientId);
    if (!record) {
      throw OAuthError.invalidClient('Client authentication failed', Boolean(basic));
    }
    if (secret === undefined) {
      if (record.entity.tokenEndpointAuthMethod === 'none') {
        return { record, confidential: false };
      }
      throw OAuthError.invalidClient('Client authentication failed', Boolean(basic));
    }
    if (!this.secrets.equals(secret, record.clientSecret)) {
      throw OAuthError.invalidClient('Client authentication failed', Boolean(basic));
    }
    return { record, confidential: true };
  }
}
