import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ClientsService, type ClientRecord } from '../clients/clients.service.js';
import { passwordHistorySize } from '../connections/connection-options.js';
import type { ConnectionEntity } from '../connections/connection.entity.js';
import { ConnectionsService } from '../connections/connections.service.js';
import { DbConnectionError, ManagementError } from '../errors/api-error.js';
import type { EmailTemplateName } from '../emails/dto/email.dto.js';
import type { TemplateVariables } from '../emails/email-rendering.js';
import { EmailTemplatesService } from '../emails/email-templates.service.js';
import { MailerService, type Outcome } from '../emails/mailer.service.js';
import { LoginProtectionService } from '../login-protection/login-protection.service.js';
import { LogsService } from '../logs/logs.service.js';
import { passwordPolicyText } from '../rules/password-policy.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import { DEFAULT_TENANT_ID, TenantsService } from '../tenants/tenants.service.js';
import type { UserResponse } from '../users/dto/user.dto.js';
import { identityUserId } from '../users/user.mapper.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import type { SignupInput } from './signup-input.js';
import { TicketsService } from './tickets.service.js';

/** Auth0's answer to a reset request, the same whether or not the address is known. */
export const RESET_REQUESTED = "We've just sent you an email to reset your password.";

export interface SignupResult {
  user: UserEntity;
  body: Record<string, unknown>;
}

export interface RequestContext {
  ip?: string;
  userAgent?: string;
}

/**
 * The account lifecycle behind Auth0's database connection: sign-up, the verification and welcome
 * mails, password-reset requests and the links they send. Mail never delays or fails a request.
 */
@Injectable()
export class AccountService implements OnModuleInit {
  constructor(
    private readonly users: UsersService,
    private readonly clients: ClientsService,
    private readonly connections: ConnectionsService,
    private readonly tenants: TenantsService,
    private readonly tickets: TicketsService,
    private readonly templates: EmailTemplatesService,
    private readonly mailer: MailerService,
    private readonly logs: LogsService,
    private readonly protection: LoginProtectionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // POST /api/v2/users, and PATCH with a new address: the verification mail Auth0's `verify_email` asks for.
    this.users.onVerificationWanted((tenant, user) => {
      void this.sendVerificationEmail(tenant, user, null).catch(() => undefined);
    });
    // Brute-force protection blocked a user: Auth0's `blocked_account` mail, with a link that unblocks.
    this.protection.onBlocked((tenantId, identifier, connection) => {
      void this.sendBlockedAccountEmail(tenantId, identifier, connection).catch(() => undefined);
    });
  }

  private async sendBlockedAccountEmail(tenantId: string, identifier: string, connection: string): Promise<void> {
    const user =
      (await this.users.findByEmail(tenantId, connection, identifier)) ??
      (await this.users.findByUsername(tenantId, connection, identifier));
    const template = await this.templates.effective(tenantId, 'blocked_account');
    if (!user || !template.enabled || !(await this.mailer.canSend(tenantId))) {
      return;
    }
    // The tenant's issuer, as the tenant middleware derives it (the default tenant's is PUBLIC_URL).
    const settings = await this.tenants.get(tenantId);
    const issuer = tenantId === DEFAULT_TENANT_ID ? this.config.issuer : `${new URL(this.config.issuer).protocol}//${settings.domain}/`;
    const tenant = { id: tenantId, issuer };
    const url = await this.tickets.create({
      tenantId,
      issuer: tenant.issuer,
      userId: user.userId,
      kind: 'unblock',
      ttlSeconds: template.urlLifetimeInSeconds,
      resultUrl: template.resultUrl,
      includeEmail: template.includeEmailInRedirect,
    });
    this.mail(tenant, 'blocked_account', user, undefined, url);
  }

  /** The unblock link of a `blocked_account` mail: lifts the user's brute-force blocks. */
  async unblock(tenantId: string, user: UserEntity): Promise<void> {
    await this.protection.unblock(tenantId, user.email);
    if (user.username !== null) {
      await this.protection.unblock(tenantId, user.username);
    }
  }

  /** POST /dbconnections/signup and the Universal Login sign-up form. */
  async signup(tenant: TenantContext, input: SignupInput, ctx: RequestContext): Promise<SignupResult> {
    const client = await this.clients.findByClientId(tenant.id, input.clientId);
    if (!client) {
      throw DbConnectionError.badRequest('invalid_client', `Unknown client: ${input.clientId}`);
    }
    const use = await this.connections.forClient(tenant.id, input.connection, client.entity);
    if ('problem' in use) {
      throw connectionUnusable(input.connection, use.problem);
    }
    const event = {
      tenantId: tenant.id,
      clientId: client.entity.clientId,
      clientName: client.entity.name,
      userName: input.email,
      ip: ctx.ip,
      userAgent: ctx.userAgent,
    };
    if (use.options.disable_signup === true) {
      this.logs.record({ ...event, type: 'fs', description: 'Public signup is disabled' });
      throw new DbConnectionError(400, 'BadRequestError', 'operation_not_allowed', 'Public signup is disabled for this connection');
    }
    let created: UserResponse;
    try {
      created = await this.users.create(tenant, {
        connection: use.connection.name,
        email: input.email,
        password: input.password,
        username: input.username,
        given_name: input.given_name,
        family_name: input.family_name,
        name: input.name,
        nickname: input.nickname,
        picture: input.picture,
        user_metadata: input.user_metadata,
        // The verification mail below names the application the user signed up to.
        verify_email: false,
      });
    } catch (e) {
      if (e instanceof ManagementError) {
        this.logs.record({ ...event, type: 'fs', description: e.message });
        throw signupError(e, use.options);
      }
      throw e;
    }
    const user = (await this.users.find(tenant.id, created.user_id)) as UserEntity;
    this.logs.record({ ...event, type: 'ss', description: 'Successful signup', userId: user.userId });
    // The mails never delay or fail the sign-up.
    void this.sendVerificationEmail(tenant, user, client).catch(() => undefined);
    this.mail(tenant, 'welcome_email', user, client, undefined);
    const body: Record<string, unknown> = { _id: identityUserId(user.userId), email: user.email, email_verified: user.emailVerified };
    if (user.username !== null) {
      body.username = user.username;
    }
    for (const key of ['given_name', 'family_name', 'name', 'nickname', 'picture', 'user_metadata'] as const) {
      if (input[key] !== undefined) {
        body[key] = input[key];
      }
    }
    return { user, body };
  }

  /**
   * POST /dbconnections/change_password and the "Forgot password?" form. Only a known address gets a
   * mail; the caller answers the same text either way.
   */
  async requestPasswordReset(
    tenant: TenantContext,
    input: { clientId?: string; email: string; connection: string },
    ctx: RequestContext,
  ): Promise<void> {
    let client: ClientRecord | undefined;
    if (input.clientId !== undefined) {
      client = await this.clients.findByClientId(tenant.id, input.clientId);
      if (!client) {
        throw DbConnectionError.badRequest('invalid_client', `Unknown client: ${input.clientId}`);
      }
    }
    const connection = client
      ? await this.connections.forClient(tenant.id, input.connection, client.entity)
      : await this.connections
          .findByName(tenant.id, input.connection)
          .then((c): { connection: ConnectionEntity } | { problem: 'unknown' } => (c ? { connection: c } : { problem: 'unknown' }));
    if ('problem' in connection) {
      throw connectionUnusable(input.connection, connection.problem);
    }
    // The link and the mail are made after the answer: a known address takes no longer than an unknown one.
    void this.startReset(tenant, connection.connection.name, input.email, client, ctx).catch(() => undefined);
  }

  private async startReset(
    tenant: TenantContext,
    connection: string,
    email: string,
    client: ClientRecord | undefined,
    ctx: RequestContext,
  ): Promise<void> {
    const user = await this.users.findByEmail(tenant.id, connection, email);
    if (!user || !(await this.mailer.canSend(tenant.id))) {
      return;
    }
    const template = await this.templates.effective(tenant.id, 'reset_email');
    const url = await this.tickets.create({
      tenantId: tenant.id,
      issuer: tenant.issuer,
      userId: user.userId,
      kind: 'password_change',
      ttlSeconds: template.urlLifetimeInSeconds,
      clientId: client?.entity.clientId ?? null,
      resultUrl: template.resultUrl,
      includeEmail: template.includeEmailInRedirect,
    });
    this.logs.record({
      tenantId: tenant.id,
      type: 'scpr',
      description: 'Success Change Password Request',
      userId: user.userId,
      userName: user.email,
      clientId: client?.entity.clientId,
      clientName: client?.entity.name,
      ip: ctx.ip,
      userAgent: ctx.userAgent,
    });
    this.mail(tenant, 'reset_email', user, client, url);
  }

  /** A verification link for the user, mailed with the `verify_email` template (when it is enabled). */
  async sendVerificationEmail(
    tenant: TenantContext,
    user: UserEntity,
    client: ClientRecord | null | undefined,
    onSettled?: (outcome: Outcome) => void,
  ): Promise<void> {
    const template = await this.templates.effective(tenant.id, 'verify_email');
    if (!template.enabled) {
      onSettled?.({ sent: false, reason: 'the verify_email template is disabled' });
      return;
    }
    if (!(await this.mailer.canSend(tenant.id))) {
      onSettled?.({ sent: false, reason: 'no email provider is configured' });
      return;
    }
    const url = await this.tickets.create({
      tenantId: tenant.id,
      issuer: tenant.issuer,
      userId: user.userId,
      kind: 'email_verification',
      ttlSeconds: template.urlLifetimeInSeconds,
      clientId: client?.entity.clientId ?? null,
      resultUrl: template.resultUrl,
      includeEmail: template.includeEmailInRedirect,
    });
    this.mail(tenant, 'verify_email', user, client ?? undefined, url, onSettled);
  }

  /** The policy of a connection, in words, for forms. */
  async policyText(tenantId: string, connection: string): Promise<string> {
    const c = await this.connections.findByName(tenantId, connection);
    const options = c?.options ?? {};
    const history = passwordHistorySize(options);
    return passwordPolicyText(options) + (history > 0 ? `, different from your last ${history} passwords` : '');
  }

  private mail(
    tenant: TenantContext,
    template: EmailTemplateName,
    user: UserEntity,
    client: ClientRecord | undefined,
    url: string | undefined,
    onSettled?: (outcome: Outcome) => void,
  ): void {
    void this.variables(tenant, user, client, url).then(
      (vars) =>
        this.mailer.enqueue({
          tenantId: tenant.id,
          template,
          to: user.email,
          vars,
          userId: user.userId,
          clientId: client?.entity.clientId,
          onSettled,
        }),
      () => onSettled?.({ sent: false, reason: 'internal error' }),
    );
  }

  private async variables(
    tenant: TenantContext,
    user: UserEntity,
    client: ClientRecord | undefined,
    url: string | undefined,
  ): Promise<TemplateVariables> {
    const settings = await this.tenants.get(tenant.id);
    return {
      user: {
        email: user.email,
        name: user.name,
        nickname: user.nickname,
        given_name: user.givenName,
        family_name: user.familyName,
        user_metadata: user.userMetadata,
        app_metadata: user.appMetadata,
      },
      application: { name: client?.entity.name ?? (settings.friendlyName || tenant.id), clientID: client?.entity.clientId },
      connection: { name: user.connection },
      tenant: tenant.id,
      friendly_name: settings.friendlyName || tenant.id,
      support_email: settings.supportEmail,
      support_url: settings.supportUrl,
      url,
    };
  }
}

/** Auth0's sign-up errors: one answer for an existing user, the policy for a weak password. */
/** Auth0's answers for a `connection` that does not exist, or is not enabled for the client. */
function connectionUnusable(name: string, problem: 'unknown' | 'disabled'): DbConnectionError {
  return problem === 'unknown'
    ? DbConnectionError.badRequest('bad.connection', `The connection ${name} does not exist`)
    : new DbConnectionError(403, 'UnauthorizedError', 'unauthorized_client', `The connection ${name} is not enabled for this client`);
}

function signupError(e: ManagementError, options: Record<string, unknown>): DbConnectionError {
  if (e.errorCode === 'auth0_idp_error' || e.errorCode === 'user_exists') {
    return DbConnectionError.badRequest('invalid_signup', 'Invalid sign up');
  }
  if (e.errorCode === 'invalid_password') {
    const description = e.message.replace(/^Password\w*Error: /, '');
    return new DbConnectionError(400, 'PasswordStrengthError', 'invalid_password', description, {
      message: 'Password is too weak',
      policy: passwordPolicyText(options),
    });
  }
  return DbConnectionError.badRequest('invalid_parameter', e.message);
}
