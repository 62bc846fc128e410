import { Controller, Get, Param, Query } from '@nestjs/common';
import { Scopes } from '../management/scopes.decorator.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { LogsService } from './logs.service.js';

@Controller('api/v2/logs')
export class LogsController {
  constructor(private readonly logs: LogsService) {}

  @Get()
  @Scopes('read:logs')
  list(@Tenant() tenant: TenantContext, @Query() query: Record<string, unknown>) {
    return this.logs.list(tenant, query);
  }

  @Get(':id')
  @Scopes('read:logs')
  get(@Tenant() tenant: TenantContext, @Param('id') id: string) {
    return this.logs.get(tenant, id);
  }
}
