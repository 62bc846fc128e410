import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DbService } from '../database/db.service.js';
import { ManagementError } from '../errors/api-error.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import {
  EMAIL_TEMPLATE_NAMES,
  type EmailTemplateName,
  type EmailTemplateResponse,
  type SetEmailTemplateDto,
  type UpdateEmailTemplateDto,
} from './dto/email.dto.js';
import { DEFAULT_URL_LIFETIME_SECONDS, TEMPLATE_DEFAULTS } from './email-defaults.js';
import { renderMail, templateProblem } from './email-rendering.js';
import { EmailTemplateEntity } from './email-template.entity.js';

/** A template as the mailer uses it: the tenant's values where set, Tessera's defaults elsewhere. */
export interface EffectiveTemplate {
  template: EmailTemplateName;
  enabled: boolean;
  from: string | null;
  subject: string;
  body: string;
  resultUrl: string | null;
  urlLifetimeInSeconds: number;
  includeEmailInRedirect: boolean;
}

export function isTemplateName(name: string): name is EmailTemplateName {
  return (EMAIL_TEMPLATE_NAMES as readonly string[]).includes(name);
}

const unknownTemplate = (name: string) =>
  ManagementError.notFound(
    `The template "${name}" does not exist; templates are ${EMAIL_TEMPLATE_NAMES.join(', ')}.`,
    'inexistent_email_template',
  );

function toResponse(e: EmailTemplateEntity): EmailTemplateResponse {
  return {
    template: e.template,
    body: e.body,
    from: e.from,
    subject: e.subject,
    syntax: e.syntax,
    resultUrl: e.resultUrl,
    urlLifetimeInSeconds: e.urlLifetimeInSeconds,
    includeEmailInRedirect: e.includeEmailInRedirect,
    enabled: e.enabled,
  };
}

/** The tenant's e-mail templates (Auth0's `/api/v2/email-templates`). Values round-trip exactly as given. */
@Injectable()
export class EmailTemplatesService {
  constructor(
    @InjectRepository(EmailTemplateEntity) private readonly repo: Repository<EmailTemplateEntity>,
    private readonly db: DbService,
  ) {}

  /** A saved template; one never saved reads as Tessera's default, as Auth0 shows its own defaults. */
  async get(tenant: TenantContext, name: string): Promise<EmailTemplateResponse> {
    if (!isTemplateName(name)) {
      throw unknownTemplate(name);
    }
    const e = await this.repo.findOne({ where: { tenantId: tenant.id, template: name } });
    return e ? toResponse(e) : toResponse(this.defaultEntity(tenant.id, name));
  }

  /** POST (create) and PUT (replace): fields not given take their defaults. */
  async set(tenant: TenantContext, name: string, dto: SetEmailTemplateDto, mode: 'create' | 'replace'): Promise<EmailTemplateResponse> {
    if (!isTemplateName(name) || !isTemplateName(dto.template)) {
      throw unknownTemplate(name);
    }
    if (name !== dto.template) {
      throw ManagementError.badRequest(`Payload validation error: template "${dto.template}" does not match the path's "${name}".`);
    }
    assertParses(dto);
    const saved = await this.db.write(async (em) => {
      const existing = await em.findOne(EmailTemplateEntity, { where: { tenantId: tenant.id, template: name } });
      if (existing && mode === 'create') {
        throw ManagementError.conflict(`Template ${name} already exists.`, 'email_template_conflict');
      }
      const e = this.defaultEntity(tenant.id, name);
      e.createdAt = existing?.createdAt ?? e.createdAt;
      apply(e, dto);
      await em.save(EmailTemplateEntity, e, { transaction: false, reload: false });
      return e;
    });
    return toResponse(saved);
  }

  /** PATCH: keeps every field it is not given. */
  async update(tenant: TenantContext, name: string, dto: UpdateEmailTemplateDto): Promise<EmailTemplateResponse> {
    if (!isTemplateName(name)) {
      throw unknownTemplate(name);
    }
    if (dto.template !== undefined && dto.template !== name) {
      throw ManagementError.badRequest(`Payload validation error: template "${dto.template}" does not match the path's "${name}".`);
    }
    assertParses(dto);
    const saved = await this.db.write(async (em) => {
      const e =
        (await em.findOne(EmailTemplateEntity, { where: { tenantId: tenant.id, template: name } })) ?? this.defaultEntity(tenant.id, name);
      apply(e, dto);
      await em.save(EmailTemplateEntity, e, { transaction: false, reload: false });
      return e;
    });
    return toResponse(saved);
  }

  /** Renders the saved template, or the given unsaved subject/body, with sample values. */
  async preview(
    tenant: TenantContext,
    name: string,
    edits: { subject?: string; body?: string },
  ): Promise<{ subject: string; html: string }> {
    if (!isTemplateName(name)) {
      throw unknownTemplate(name);
    }
    const saved = await this.effective(tenant.id, name);
    // A template that does not render throws a TemplateError, a 400 for the admin.
    return renderMail(edits.subject ?? saved.subject, edits.body ?? saved.body, {
      user: { email: 'jane.doe@example.com', name: 'Jane Doe', nickname: 'jane.doe', user_metadata: {} },
      application: { name: 'Sample Application', clientID: 'sample-client-id' },
      connection: { name: 'Username-Password-Authentication' },
      tenant: tenant.id,
      friendly_name: tenant.id,
      support_email: '',
      support_url: '',
      url: `${tenant.issuer}lo/reset?ticket=sample`,
    });
  }

  /** The template the mailer sends. */
  async effective(tenantId: string, name: EmailTemplateName): Promise<EffectiveTemplate> {
    const e = await this.repo.findOne({ where: { tenantId, template: name } });
    const d = TEMPLATE_DEFAULTS[name];
    return {
      template: name,
      enabled: e ? e.enabled : d.enabled,
      from: e?.from || null,
      subject: e?.subject ?? d.subject,
      body: e?.body ?? d.body,
      resultUrl: e?.resultUrl ?? null,
      urlLifetimeInSeconds: e?.urlLifetimeInSeconds ?? DEFAULT_URL_LIFETIME_SECONDS,
      includeEmailInRedirect: e?.includeEmailInRedirect ?? false,
    };
  }

  private defaultEntity(tenantId: string, name: EmailTemplateName): EmailTemplateEntity {
    const d = TEMPLATE_DEFAULTS[name];
    const now = new Date().toISOString();
    return Object.assign(new EmailTemplateEntity(), {
      tenantId,
      template: name,
      body: d.body,
      from: null,
      subject: d.subject,
      syntax: 'liquid',
      resultUrl: null,
      urlLifetimeInSeconds: DEFAULT_URL_LIFETIME_SECONDS,
      includeEmailInRedirect: false,
      enabled: d.enabled,
      createdAt: now,
      updatedAt: now,
    } satisfies EmailTemplateEntity);
  }
}

function apply(e: EmailTemplateEntity, dto: UpdateEmailTemplateDto): void {
  if (dto.body !== undefined) e.body = dto.body;
  if (dto.from !== undefined) e.from = dto.from;
  if (dto.subject !== undefined) e.subject = dto.subject;
  if (dto.syntax !== undefined) e.syntax = dto.syntax;
  if (dto.resultUrl !== undefined) e.resultUrl = dto.resultUrl;
  if (dto.urlLifetimeInSeconds !== undefined) e.urlLifetimeInSeconds = dto.urlLifetimeInSeconds;
  if (dto.includeEmailInRedirect !== undefined) e.includeEmailInRedirect = dto.includeEmailInRedirect;
  if (dto.enabled !== undefined) e.enabled = dto.enabled ?? false;
  e.updatedAt = new Date().toISOString();
}

function assertParses(dto: UpdateEmailTemplateDto): void {
  for (const field of ['body', 'subject'] as const) {
    const text = dto[field];
    const problem = typeof text === 'string' ? templateProblem(text) : undefined;
    if (problem) {
      throw ManagementError.badRequest(`Payload validation error: ${field} is not a valid Liquid template: ${problem}`);
    }
  }
}
