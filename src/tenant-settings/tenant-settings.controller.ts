import { Body, Controller, Get, Patch, Query } from '@nestjs/common';
import { parseListQuery, projectFields } from '../management/list-query.js';
import { Scopes } from '../management/scopes.decorator.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { UpdateTenantSettingsDto } from './dto/tenant-settings.dto.js';
import { TenantSettingsService } from './tenant-settings.service.js';

@Controller('api/v2/tenants/settings')
export class TenantSettingsController {
  constructor(private readonly settings: TenantSettingsService) {}

  @Get()
  @Scopes('read:tenant_settings')
  async get(@Tenant() tenant: TenantContext, @Query() query: Record<string, unknown>) {
    const q = parseListQuery(query);
    return projectFields(await this.settings.get(tenant), q);
  }

  @Patch()
  @Scopes('update:tenant_settings')
  update(@Tenant() tenant: TenantContext, @Body() body: UpdateTenantSettingsDto) {
    return this.settings.update(tenant, body);
  }
}
