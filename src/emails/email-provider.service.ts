import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DbService } from '../database/db.service.js';
import { ManagementError } from '../errors/api-error.js';
import { SecretsService } from '../keys/secrets.service.js';
import { projectFields, type FieldsQuery } from '../management/list-query.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import type { CreateEmailProviderDto, SmtpCredentialsDto, UpdateEmailProviderDto } from './dto/email.dto.js';
import { EmailProviderEntity } from './email-provider.entity.js';

export interface EmailProviderResponse {
  name: string;
  enabled: boolean;
  default_from_address: string;
  credentials: { smtp_host?: string; smtp_port?: number; smtp_user?: string };
  settings: Record<string, unknown>;
}

/** What the mailer needs: the SMTP relay with its password opened. */
export interface SmtpSettings {
  host: string;
  port: number;
  user?: string;
  pass?: string;
  from: string;
  enabled: boolean;
}

const notConfigured = () => ManagementError.notFound('There is not an email provider configured.', 'inexistent_email_provider');
const sealContext = (tenantId: string) => `email_provider:${tenantId}:smtp_pass`;

/** Auth0's response: the credentials without `smtp_pass`, which is write-only. */
function toResponse(e: EmailProviderEntity): EmailProviderResponse {
  return {
    name: e.name,
    enabled: e.enabled,
    default_from_address: e.defaultFromAddress,
    credentials: { ...e.credentials },
    settings: e.settings,
  };
}

/** The tenant's SMTP relay (Auth0's `/api/v2/emails/provider`); its password is sealed at rest. */
@Injectable()
export class EmailProviderService {
  constructor(
    @InjectRepository(EmailProviderEntity) private readonly repo: Repository<EmailProviderEntity>,
    private readonly db: DbService,
    private readonly secrets: SecretsService,
  ) {}

  async get(tenant: TenantContext, q: FieldsQuery): Promise<Partial<EmailProviderResponse>> {
    const e = await this.repo.findOne({ where: { tenantId: tenant.id } });
    if (!e) {
      throw notConfigured();
    }
    return projectFields(toResponse(e), q);
  }

  async create(tenant: TenantContext, dto: CreateEmailProviderDto): Promise<EmailProviderResponse> {
    if (dto.credentials === undefined) {
      throw ManagementError.badRequest("Payload validation error: 'Missing required property: credentials'.");
    }
    assertSmtp(dto.credentials);
    const now = new Date().toISOString();
    const e = Object.assign(new EmailProviderEntity(), {
      tenantId: tenant.id,
      name: dto.name,
      enabled: dto.enabled ?? true,
      defaultFromAddress: dto.default_from_address ?? '',
      credentials: publicCredentials(dto.credentials),
      smtpPassSealed: dto.credentials.smtp_pass ? this.secrets.seal(dto.credentials.smtp_pass, sealContext(tenant.id)) : null,
      settings: dto.settings ?? {},
      createdAt: now,
      updatedAt: now,
    } satisfies EmailProviderEntity);
    await this.db.write(async (em) => {
      if (await em.exists(EmailProviderEntity, { where: { tenantId: tenant.id } })) {
        throw ManagementError.conflict('An email provider is already configured; update it with PATCH.', 'email_provider_conflict');
      }
      await em.save(EmailProviderEntity, e, { transaction: false, reload: false });
    });
    return toResponse(e);
  }

  async update(tenant: TenantContext, dto: UpdateEmailProviderDto): Promise<EmailProviderResponse> {
    const saved = await this.db.write(async (em) => {
      const e = await em.findOne(EmailProviderEntity, { where: { tenantId: tenant.id } });
      if (!e) {
        throw notConfigured();
      }
      if (dto.name !== undefined) e.name = dto.name;
      if (dto.enabled !== undefined) e.enabled = dto.enabled;
      if (dto.default_from_address !== undefined) e.defaultFromAddress = dto.default_from_address;
      if (dto.settings !== undefined) e.settings = dto.settings ?? {};
      if (dto.credentials !== undefined) {
        const merged = { ...e.credentials, ...publicCredentials(dto.credentials) };
        assertSmtp(merged);
        e.credentials = merged;
        if (dto.credentials.smtp_pass !== undefined) {
          e.smtpPassSealed = dto.credentials.smtp_pass ? this.secrets.seal(dto.credentials.smtp_pass, sealContext(tenant.id)) : null;
        }
      }
      e.updatedAt = new Date().toISOString();
      await em.save(EmailProviderEntity, e, { transaction: false, reload: false });
      return e;
    });
    return toResponse(saved);
  }

  async delete(tenant: TenantContext): Promise<void> {
    const result = await this.db.write((em) => em.delete(EmailProviderEntity, { tenantId: tenant.id }));
    if ((result.affected ?? 0) === 0) {
      throw notConfigured();
    }
  }

  /** The relay to send through, password opened; undefined when the tenant has none. */
  async smtpSettings(tenantId: string): Promise<SmtpSettings | undefined> {
    const e = await this.repo.findOne({ where: { tenantId } });
    if (!e || !e.credentials.smtp_host) {
      return undefined;
    }
    return {
      host: e.credentials.smtp_host,
      port: e.credentials.smtp_port ?? 587,
      user: e.credentials.smtp_user || undefined,
      pass: e.smtpPassSealed ? this.secrets.open(e.smtpPassSealed, sealContext(tenantId)) : undefined,
      from: e.defaultFromAddress,
      enabled: e.enabled,
    };
  }
}

function publicCredentials(c: SmtpCredentialsDto): EmailProviderEntity['credentials'] {
  const out: EmailProviderEntity['credentials'] = {};
  if (c.smtp_host !== undefined) out.smtp_host = c.smtp_host;
  if (c.smtp_port !== undefined) out.smtp_port = c.smtp_port;
  if (c.smtp_user !== undefined) out.smtp_user = c.smtp_user;
  return out;
}

function assertSmtp(c: { smtp_host?: string; smtp_port?: number }): void {
  if (!c.smtp_host || c.smtp_port === undefined) {
    throw ManagementError.badRequest('Payload validation error: the smtp provider needs credentials.smtp_host and credentials.smtp_port.');
  }
}
