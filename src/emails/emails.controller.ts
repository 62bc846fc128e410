import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { assertMinProperties } from '../common/validation.js';
import { ManagementError } from '../errors/api-error.js';
import { parseFieldsQuery } from '../management/list-query.js';
import { Scopes } from '../management/scopes.decorator.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import {
  CreateEmailProviderDto,
  PreviewEmailTemplateDto,
  SendTestMailDto,
  SetEmailTemplateDto,
  UpdateEmailProviderDto,
  UpdateEmailTemplateDto,
} from './dto/email.dto.js';
import { EmailProviderService } from './email-provider.service.js';
import { EmailTemplatesService } from './email-templates.service.js';
import { MailerService } from './mailer.service.js';

@Controller('api/v2/emails/provider')
export class EmailProviderController {
  constructor(
    private readonly providers: EmailProviderService,
    private readonly mailer: MailerService,
  ) {}

  @Get()
  @Scopes('read:email_provider')
  get(@Tenant() tenant: TenantContext, @Query() query: Record<string, unknown>) {
    return this.providers.get(tenant, parseFieldsQuery(query));
  }

  @Post()
  @HttpCode(201)
  @Scopes('create:email_provider')
  create(@Tenant() tenant: TenantContext, @Body() body: CreateEmailProviderDto) {
    return this.providers.create(tenant, body);
  }

  @Patch()
  @Scopes('update:email_provider')
  update(@Tenant() tenant: TenantContext, @Body() body: UpdateEmailProviderDto) {
    assertMinProperties(body, 1);
    return this.providers.update(tenant, body);
  }

  @Delete()
  @HttpCode(204)
  @Scopes('delete:email_provider')
  async remove(@Tenant() tenant: TenantContext): Promise<void> {
    await this.providers.delete(tenant);
  }

  /** Tessera extension (the dashboard's "send a test mail"): one attempt, answered with the relay's verdict. */
  @Post('test')
  @Scopes('update:email_provider')
  async test(@Tenant() tenant: TenantContext, @Body() body: SendTestMailDto) {
    const outcome = await this.mailer.sendTest(tenant.id, body.to);
    if (!outcome.sent) {
      throw ManagementError.badRequest(`The test mail was not sent: ${outcome.reason}`, 'operation_not_supported');
    }
    return { sent: true, to: body.to };
  }
}

@Controller('api/v2/email-templates')
export class EmailTemplatesController {
  constructor(private readonly templates: EmailTemplatesService) {}

  @Post()
  @HttpCode(201)
  @Scopes('create:email_templates')
  create(@Tenant() tenant: TenantContext, @Body() body: SetEmailTemplateDto) {
    return this.templates.set(tenant, body.template, body, 'create');
  }

  @Get(':name')
  @Scopes('read:email_templates')
  get(@Tenant() tenant: TenantContext, @Param('name') name: string) {
    return this.templates.get(tenant, name);
  }

  @Put(':name')
  @Scopes('update:email_templates')
  replace(@Tenant() tenant: TenantContext, @Param('name') name: string, @Body() body: SetEmailTemplateDto) {
    return this.templates.set(tenant, name, body, 'replace');
  }

  @Patch(':name')
  @Scopes('update:email_templates')
  update(@Tenant() tenant: TenantContext, @Param('name') name: string, @Body() body: UpdateEmailTemplateDto) {
    return this.templates.update(tenant, name, body);
  }

  /** Tessera extension (the dashboard's preview): the template, or the unsaved edits given, rendered with sample values. */
  @Post(':name/preview')
  @HttpCode(200)
  @Scopes('read:email_templates')
  preview(@Tenant() tenant: TenantContext, @Param('name') name: string, @Body() body: PreviewEmailTemplateDto) {
    return this.templates.preview(tenant, name, body);
  }
}
