import { Body, Controller, Get, Patch, Query } from '@nestjs/common';
import { parseFieldsQuery } from '../management/list-query.js';
import { Scopes } from '../management/scopes.decorator.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { UpdateTenantSettingsDto } from './dto/tenant-settings.dto.js';
import { TenantSettingsService } from './tenant-settings.service.js';

/** Auth0's `/api/v2/tenants/settings`. */
@Controller('api/v2/tenants/settings')
export class TenantSettingsController {
  constructor(private readonly settings: TenantSettingsService) {}

  @Get()
  @Scopes('read:tenant_settings')
  get(@Tenant() tenant: TenantContext, @Query() query: Record<string, unknown>) {
    return this.settings.get(tenant, parseFieldsQuery(query));
  }

  @Patch()
  @Scopes('update:tenant_settings')
  update(@Tenant() tenant: TenantContext, @Body() body: UpdateTenantSettingsDto) {
    return this.settings.update(tenant, body);
  }
}
