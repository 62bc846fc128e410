import { Injectable } from '@nestjs/common';
import { ClientsService, type ClientRecord } from '../clients/clients.service.js';
import { ConnectionsService } from '../connections/connections.service.js';
import { DbService } from '../database/db.service.js';
import { EmailTemplatesService } from '../emails/email-templates.service.js';
import { ManagementError } from '../errors/api-error.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { AccountService } from './account.service.js';
import type { EmailVerificationTicketDto, PasswordChangeTicketDto, VerificationEmailJobDto } from './dto/account.dto.js';
import { JobEntity, newJob } from '../jobs/job.entity.js';
import { toJobResponse, type JobResponse } from '../jobs/job.mapper.js';
import { TicketsService } from './tickets.service.js';

const userNotFound = () => ManagementError.notFound('The user does not exist.', 'inexistent_user');

/** The Management API's tickets (reset and verification links for a user) and verification-email jobs. */
@Injectable()
export class AccountAdminService {
  constructor(
    private readonly db: DbService,
    private readonly users: UsersService,
    private readonly clients: ClientsService,
    private readonly connections: ConnectionsService,
    private readonly tickets: TicketsService,
    private readonly templates: EmailTemplatesService,
    private readonly account: AccountService,
  ) {
    users.onDelete(async (em, tenantId, userId) => {
      await em.delete(JobEntity, { tenantId, userId });
    });
  }

  async passwordChangeTicket(tenant: TenantContext, dto: PasswordChangeTicketDto): Promise<{ ticket: string }> {
    let user: UserEntity | undefined;
    if (dto.user_id !== undefined) {
      if (dto.email !== undefined || dto.connection_id !== undefined) {
        throw ManagementError.badRequest('Payload validation error: give either user_id, or email and connection_id.');
      }
      user = await this.users.find(tenant.id, dto.user_id);
    } else {
      if (dto.email === undefined || dto.connection_id === undefined) {
        throw ManagementError.badRequest('Payload validation error: user_id, or email and connection_id, are required.');
      }
      const connection = await this.connections.findById(tenant.id, dto.connection_id);
      if (!connection) {
        throw ManagementError.notFound('The connection does not exist', 'inexistent_connection');
      }
      user = await this.users.findByEmail(tenant.id, connection.name, dto.email);
    }
    return this.ticket(tenant, user, 'password_change', dto);
  }

  async emailVerificationTicket(tenant: TenantContext, dto: EmailVerificationTicketDto): Promise<{ ticket: string }> {
    return this.ticket(tenant, await this.users.find(tenant.id, dto.user_id), 'email_verification', dto);
  }

  /** A ticket for the user: the request's values where given, the kind's template's elsewhere. */
  private async ticket(
    tenant: TenantContext,
    user: UserEntity | undefined,
    kind: 'password_change' | 'email_verification',
    dto: { client_id?: string; ttl_sec?: number; result_url?: string; includeEmailInRedirect?: boolean; mark_email_as_verified?: boolean },
  ): Promise<{ ticket: string }> {
    if (!user) {
      throw userNotFound();
    }
    await this.clientOf(tenant, dto.client_id);
    const template = await this.templates.effective(tenant.id, kind === 'password_change' ? 'reset_email' : 'verify_email');
    const ticket = await this.tickets.create({
      tenantId: tenant.id,
      issuer: tenant.issuer,
      userId: user.userId,
      kind,
      ttlSeconds: dto.ttl_sec || template.urlLifetimeInSeconds,
      clientId: dto.client_id ?? null,
      resultUrl: dto.result_url ?? template.resultUrl,
      markEmailVerified: dto.mark_email_as_verified ?? false,
      includeEmail: dto.includeEmailInRedirect ?? template.includeEmailInRedirect,
    });
    return { ticket };
  }

  /** Starts the job and answers at once; the job completes when the relay takes the mail. */
  async verificationEmailJob(tenant: TenantContext, dto: VerificationEmailJobDto): Promise<JobResponse> {
    const user = await this.users.find(tenant.id, dto.user_id);
    if (!user) {
      throw userNotFound();
    }
    const client = await this.clientOf(tenant, dto.client_id);
    const job = newJob(tenant.id, 'verification_email', { userId: user.userId, clientId: client?.entity.clientId ?? null });
    await this.db.write((em) => em.insert(JobEntity, job));
    await this.account.sendVerificationEmail(tenant, user, client, (outcome) => {
      const update = outcome.sent
        ? { status: 'completed', statusDetails: null }
        : { status: 'failed', statusDetails: `The verification email was not sent: ${outcome.reason}`.slice(0, 500) };
      void this.db
        .write((em) => em.update(JobEntity, { id: job.id }, { ...update, updatedAt: new Date().toISOString() }))
        .catch(() => undefined);
    });
    return toJobResponse(job);
  }

  private async clientOf(tenant: TenantContext, clientId: string | undefined): Promise<ClientRecord | undefined> {
    if (clientId === undefined) {
      return undefined;
    }
    const client = await this.clients.findByClientId(tenant.id, clientId);
    if (!client) {
      throw ManagementError.badRequest(`The client ${clientId} does not exist`, 'inexistent_client');
    }
    return client;
  }
}
