import { Injectable } from '@nestjs/common';
import { ApisService, type ApiRecord } from '../apis/apis.service.js';
import type { ClientRecord } from '../clients/clients.service.js';
import { OAuthError, RuleViolation } from '../errors/api-error.js';
import { SecretsService } from '../keys/secrets.service.js';
import { resolveAudience } from '../rules/audience-rules.js';
import { assertPkceRequest } from '../rules/pkce.js';
import { issuesFromAuthorize, parseResponseType, type ResponseMode } from '../rules/response-types.js';
import { grantableUserScopes, userFlowApiOf, userFlowPartyOf } from '../rules/user-flow-scopes.js';
import { userinfoAudience, type TenantContext } from '../tenants/tenant-context.js';
import type { TenantEntity } from '../tenants/tenant.entity.js';
import { splitScope, type OAuthParams } from '../common/oauth-params.js';
import { ConnectionsService } from '../connections/connections.service.js';
import { DATABASE_CONNECTION } from '../connections/database-connection.js';
import { TRANSACTION_LIFETIME_SECONDS, type AuthorizationTransaction } from './authorization-transaction.js';

export const AUTHORIZE_PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'nonce',
  'audience',
  'resource',
  'code_challenge',
  'code_challenge_method',
  'prompt',
  'response_mode',
  'max_age',
  'login_hint',
  'connection',
  'screen_hint',
] as const;
// Also sent by Auth0's SDKs and accepted by being ignored: `auth0Client` (base64 JSON telemetry) and
// `ui_locales` (the pages are English only). `screen_hint=signup` opens the sign-up page.
const PROMPTS = ['none', 'login', 'consent', 'select_account'];

/** The client-controlled part of an authorization request, checked once, turned into a transaction. */
@Injectable()
export class AuthorizationRequestValidator {
  constructor(
    private readonly apis: ApisService,
    private readonly secrets: SecretsService,
    private readonly connections: ConnectionsService,
  ) {}

  /**
   * Checks everything the client controls, in the order of RFC 6749 §4.1.2.1, and resolves the
   * audience (the tenant's Default Audience when none is asked) and the scopes that can be granted.
   */
  async validate(
    tenant: TenantContext,
    settings: TenantEntity,
    client: ClientRecord,
    params: OAuthParams,
    redirectUri: { uri: string; given: boolean },
    /** Already chosen and checked against the response type (rules/response-types.ts). */
    responseMode: ResponseMode,
  ): Promise<AuthorizationTransaction> {
    const responseType = params.get('response_type');
    if (!responseType) {
      throw OAuthError.invalidRequest('Missing required parameter: response_type');
    }
    const rt = parseResponseType(responseType);
    if (!rt) {
      throw new OAuthError(400, 'unsupported_response_type', `Unsupported response type: ${responseType}`);
    }
    if (rt.code && !client.entity.grantTypes.includes('authorization_code')) {
      throw OAuthError.unauthorizedClient(`Grant type 'authorization_code' not allowed for the client.`);
    }
    if (issuesFromAuthorize(rt) && !client.entity.grantTypes.includes('implicit')) {
      throw OAuthError.unauthorizedClient(`Grant type 'implicit' not allowed for the client.`);
    }
    if (rt.code) {
      const publicClient = client.entity.tokenEndpointAuthMethod === 'none';
      try {
        assertPkceRequest(params.get('code_challenge'), params.get('code_challenge_method'), publicClient);
      } catch (e) {
        // The authorization flow answers OAuth errors on its own pages or at the client's redirect_uri.
        throw e instanceof RuleViolation ? OAuthError.invalidRequest(e.message) : e;
      }
    }
    const prompt = splitScope(params.get('prompt'));
    const unknownPrompt = prompt.find((p) => !PROMPTS.includes(p));
    if (unknownPrompt) {
      throw OAuthError.invalidRequest(`Unsupported prompt value: ${unknownPrompt}`);
    }
    if (prompt.includes('none') && prompt.length > 1) {
      // OIDC Core §3.1.2.1: none cannot be combined with other values.
      throw OAuthError.invalidRequest('prompt=none cannot be combined with other prompt values');
    }
    const maxAgeRaw = params.get('max_age');
    if (maxAgeRaw !== undefined && !/^\d{1,9}$/.test(maxAgeRaw)) {
      throw OAuthError.invalidRequest('max_age must be a non-negative number of seconds');
    }
    // The connection must exist and have the client enabled (Auth0's `enabled_clients`).
    const connection = params.get('connection') ?? (settings.defaultDirectory || DATABASE_CONNECTION);
    if ('problem' in (await this.connections.forClient(tenant.id, connection, client.entity))) {
      throw OAuthError.invalidRequest(`The connection "${connection}" is not enabled for the client`);
    }

    const requested = splitScope(params.get('scope'));
    if (rt.idToken && !requested.includes('openid')) {
      throw OAuthError.invalidRequest('The openid scope is required when response_type includes id_token');
    }
    // OIDC Core §3.2.2.1, §3.3.2.11: an ID token from the authorization endpoint is bound to a nonce.
    if (rt.idToken && !params.get('nonce')) {
      throw OAuthError.invalidRequest('Missing required parameter: nonce (required when response_type includes id_token)');
    }
    const api = await this.resolveApi(tenant, settings, params);
    const party = userFlowPartyOf(client.entity);
    return {
      id: this.secrets.newId(),
      exp: Math.floor(Date.now() / 1000) + TRANSACTION_LIFETIME_SECONDS,
      clientId: client.entity.clientId,
      redirectUri: redirectUri.uri,
      redirectUriGiven: redirectUri.given,
      responseType: rt,
      responseMode,
      state: params.get('state'),
      nonce: params.get('nonce'),
      scopes: grantableUserScopes(requested, api && userFlowApiOf(api), party),
      // On the dashboard client the scopes also depend on the user (an admin gets Management scopes),
      // so they are decided again once the user has logged in.
      requestedScopes: party.dashboardClient ? requested : undefined,
      audience: api?.entity.identifier,
      codeChallenge: rt.code ? params.get('code_challenge') : undefined,
      codeChallengeMethod: rt.code && params.get('code_challenge') ? params.get('code_challenge_method') : undefined,
      prompt,
      maxAge: maxAgeRaw === undefined ? undefined : Number(maxAgeRaw),
      loginHint: params.get('login_hint'),
      connection,
      screenHint: params.get('screen_hint') === 'signup' ? 'signup' : undefined,
    };
  }

  /** The API the token is for: `audience`/`resource`, else the Default Audience; none for /userinfo alone. */
  private async resolveApi(tenant: TenantContext, settings: TenantEntity, params: OAuthParams): Promise<ApiRecord | undefined> {
    const resolved = await resolveAudience({
      audience: params.get('audience'),
      resource: params.get('resource'),
      defaultAudience: settings.defaultAudience,
      userinfoAudience: userinfoAudience(tenant.issuer),
      findApi: (identifier) => this.apis.findByIdentifier(tenant.id, identifier),
    });
    return resolved?.api;
  }
}
