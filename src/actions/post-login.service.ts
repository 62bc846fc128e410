import { Inject, Injectable } from '@nestjs/common';
import { OAuthError } from '../errors/api-error.js';
import { LogsService } from '../logs/logs.service.js';
import { applyScopeChanges, customClaimsFit, foldCustomClaims } from '../rules/custom-claims.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { UserEntity } from '../users/user.entity.js';
import type { UserResponse } from '../users/dto/user.dto.js';
import { toUserResponse } from '../users/user.mapper.js';
import { UsersService } from '../users/users.service.js';
import { ChainCache, type ChainLink } from './chain-cache.js';
import { ActionFetcher } from './sandbox/action-fetch.js';
import { ActionFailure, ActionSandbox, type ApiCall, type RunOptions } from './sandbox/action-sandbox.js';
import { TRIGGER_EXPORTS, POST_LOGIN } from './triggers.js';
import { USER_ROLES, type UserRolesLookup } from './user-roles.js';

/** Auth0's `event.transaction.protocol` values for the flows Tessera runs post-login on. */
export type LoginProtocol = 'oidc-basic-profile' | 'oauth2-password' | 'oauth2-refresh-token';

/** What a login knows when the chain runs; everything `event` is built from. */
export interface PostLoginInput {
  tenant: TenantContext;
  client: { clientId: string; name: string };
  user: Readonly<UserEntity>;
  /**
   * `user` may be older than its login counters (read before this login was counted, or kept in memory by
   * UsersService.forTokens): the event reads the user anew, so `stats.logins_count` counts this login.
   */
  userMayBeStale?: boolean;
  connection: string;
  protocol: LoginProtocol;
  requestedScopes: string[];
  redirectUri?: string;
  responseType?: string;
  state?: string;
  audience?: string;
  sessionId?: string;
  authTime?: number;
  request: {
    ip?: string;
    hostname?: string;
    userAgent?: string;
    method: string;
    query?: Record<string, unknown>;
    body?: Record<string, unknown>;
  };
}

/** What the chain decided, for the token issuer: serializable, so the code flow can keep it on the code. */
export interface PostLoginOutcome {
  idTokenClaims: Record<string, unknown>;
  accessTokenClaims: Record<string, unknown>;
  scopeChanges: ['add' | 'remove', string][];
}

export const NO_OUTCOME: PostLoginOutcome = Object.freeze({ idTokenClaims: {}, accessTokenClaims: {}, scopeChanges: [] });

/** Applies the chain's scope changes to the scopes an access token would carry. */
export function accessTokenScopes(scopes: string[], outcome: PostLoginOutcome | undefined): string[] {
  return outcome && outcome.scopeChanges.length > 0 ? applyScopeChanges(scopes, outcome.scopeChanges) : scopes;
}

/**
 * The post-login trigger: runs the tenant's bound, deployed actions in order, each with `event` and `api`
 * of post-login v3, and folds what they asked for. `api.access.deny` and a failing action stop the chain
 * and the login (403 access_denied, logged as `f` with the action's id and name, which the dashboard
 * shows as the action's recent errors); metadata changes are saved once, after the whole chain.
 */
@Injectable()
export class PostLoginService {
  constructor(
    private readonly chains: ChainCache,
    private readonly sandbox: ActionSandbox,
    private readonly users: UsersService,
    private readonly logs: LogsService,
    private readonly tenants: TenantsService,
    private readonly fetcher: ActionFetcher,
    @Inject(USER_ROLES) private readonly roles: UserRolesLookup,
  ) {}

  async run(input: PostLoginInput): Promise<PostLoginOutcome> {
    const chain = await this.chains.postLogin(input.tenant.id);
    if (chain.length === 0) {
      return NO_OUTCOME;
    }
    const event = await this.eventOf(input);
    // `fetch` exists in the actions only when the tenant turned the flag on (tenant settings `flags`).
    const tenant = await this.tenants.get(input.tenant.id);
    const options: RunOptions = tenant.flags?.actions_fetch === true ? { fetch: this.fetcher.fetch } : {};
    const asked = noRequests();
    for (const link of chain) {
      record(await this.runAction(input, link, event, options), asked, event.user);
      if (asked.denied !== undefined) {
        // Auth0: the chain stops after the denying action, whose metadata changes still count.
        await this.saveMetadata(input, asked, link);
        throw this.denied(input, link, asked.denied);
      }
    }
    const outcome: PostLoginOutcome = {
      idTokenClaims: foldCustomClaims(asked.idClaims, 'id_token'),
      accessTokenClaims: foldCustomClaims(asked.accessClaims, 'access_token'),
      scopeChanges: asked.scopeChanges,
    };
    const last = chain[chain.length - 1];
    if (!customClaimsFit(outcome.idTokenClaims) || !customClaimsFit(outcome.accessTokenClaims)) {
      throw this.failed(input, last, 'The custom claims are larger than 100 KB.');
    }
    await this.saveMetadata(input, asked, last);
    return outcome;
  }

  private async runAction(input: PostLoginInput, link: ChainLink, event: PostLoginEvent, options: RunOptions): Promise<ApiCall[]> {
    try {
      return await this.sandbox.run(link, TRIGGER_EXPORTS[POST_LOGIN], { ...event, secrets: link.secrets }, options);
    } catch (e) {
      throw this.failed(input, link, e instanceof ActionFailure ? e.message : 'The action failed.');
    }
  }

  private async eventOf(input: PostLoginInput): Promise<PostLoginEvent> {
    const user = input.userMayBeStale ? ((await this.users.find(input.tenant.id, input.user.userId)) ?? input.user) : input.user;
    const u = toUserResponse(user);
    const roles = await this.roles.roleNamesOfUser(input.tenant.id, input.user.userId);
    const now = new Date().toISOString();
    return {
      authentication: { methods: [{ name: 'pwd', timestamp: input.authTime ? new Date(input.authTime * 1000).toISOString() : now }] },
      authorization: { roles },
      client: { client_id: input.client.clientId, name: input.client.name, metadata: {} },
      connection: { id: `con_${input.connection}`, name: input.connection, strategy: 'auth0', metadata: {} },
      request: {
        ip: input.request.ip ?? '',
        hostname: input.request.hostname ?? new URL(input.tenant.issuer).hostname,
        user_agent: input.request.userAgent ?? '',
        method: input.request.method,
        query: input.request.query ?? {},
        body: input.request.body ?? {},
        geoip: {},
        language: 'en',
      },
      resource_server: input.audience ? { identifier: input.audience } : undefined,
      session: input.sessionId ? { id: input.sessionId } : undefined,
      stats: { logins_count: user.loginsCount },
      tenant: { id: input.tenant.id },
      transaction: {
        locale: 'en',
        protocol: input.protocol,
        requested_scopes: input.requestedScopes,
        redirect_uri: input.redirectUri,
        response_type: input.responseType ? [input.responseType] : undefined,
        state: input.state,
        ui_locales: [],
      },
      user: { ...u, app_metadata: { ...u.app_metadata }, user_metadata: { ...u.user_metadata }, multifactor: [] },
    };
  }

  private async saveMetadata(input: PostLoginInput, asked: Requests, link: ChainLink): Promise<void> {
    const patch: { app_metadata?: Record<string, unknown>; user_metadata?: Record<string, unknown> } = {};
    if (Object.keys(asked.appMetadata).length > 0) {
      patch.app_metadata = asked.appMetadata;
    }
    if (Object.keys(asked.userMetadata).length > 0) {
      patch.user_metadata = asked.userMetadata;
    }
    if (!patch.app_metadata && !patch.user_metadata) {
      return;
    }
    try {
      await this.users.update(input.tenant, input.user.userId, patch);
    } catch (e) {
      throw this.failed(input, link, e instanceof Error ? e.message : 'The metadata could not be saved.');
    }
  }

  private denied(input: PostLoginInput, link: ChainLink, reason: string): OAuthError {
    this.log(input, link, `Access denied by action: ${reason}`);
    return new OAuthError(403, 'access_denied', reason);
  }

  /** An action threw, hit a limit or asked for something impossible: the login fails, the tenant can see why. */
  private failed(input: PostLoginInput, link: ChainLink, message: string): OAuthError {
    this.log(input, link, `Action '${link.actionName}' failed: ${message}`);
    return new OAuthError(403, 'access_denied', message);
  }

  private log(input: PostLoginInput, link: ChainLink, description: string): void {
    this.logs.record({
      tenantId: input.tenant.id,
      type: 'f',
      description,
      clientId: input.client.clientId,
      clientName: input.client.name,
      userId: input.user.userId,
      userName: input.user.email,
      ip: input.request.ip,
      userAgent: input.request.userAgent,
      audience: input.audience,
      details: { trigger: POST_LOGIN, action_id: link.actionId, action_name: link.actionName, version_id: link.versionId },
    });
  }
}

/** The event an action receives, less its secrets (each action gets its own). */
interface PostLoginEvent {
  user: UserResponse & { app_metadata: Record<string, unknown>; user_metadata: Record<string, unknown>; multifactor: string[] };
  [key: string]: unknown;
}

/** What the actions asked for so far, in call order. */
interface Requests {
  idClaims: [string, unknown][];
  accessClaims: [string, unknown][];
  scopeChanges: ['add' | 'remove', string][];
  appMetadata: Record<string, unknown>;
  userMetadata: Record<string, unknown>;
  denied?: string;
}

const noRequests = (): Requests => ({ idClaims: [], accessClaims: [], scopeChanges: [], appMetadata: {}, userMetadata: {} });

/** Keys that would reach an object's prototype rather than the metadata. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Folds one action's recorded api calls into `asked`; metadata changes show in `user` for the actions after it. */
function record(calls: ApiCall[], asked: Requests, user: PostLoginEvent['user']): void {
  for (const [kind, a, b] of calls) {
    switch (kind) {
      case 'id':
        asked.idClaims.push([String(a), b]);
        break;
      case 'access':
        asked.accessClaims.push([String(a), b]);
        break;
      case 'add':
      case 'remove':
        asked.scopeChanges.push([kind, String(a)]);
        break;
      case 'app':
      case 'user': {
        const key = String(a);
        if (!UNSAFE_KEYS.has(key)) {
          const field = kind === 'app' ? 'app_metadata' : 'user_metadata';
          (kind === 'app' ? asked.appMetadata : asked.userMetadata)[key] = b;
          user[field] = dropNulls({ ...user[field], [key]: b });
        }
        break;
      }
      case 'deny':
        asked.denied ??= String(a);
        break;
    }
  }
}

function dropNulls(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null));
}
