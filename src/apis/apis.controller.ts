import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { parseFieldsQuery, parseListQuery } from '../management/list-query.js';
import { Scopes } from '../management/scopes.decorator.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { ApisService } from './apis.service.js';
import { CreateResourceServerDto, UpdateResourceServerDto } from './dto/resource-server.dto.js';

/** Auth0's `/api/v2/resource-servers`; `:id` is the API's id or its URL-encoded identifier. */
@Controller('api/v2/resource-servers')
export class ApisController {
  constructor(private readonly apis: ApisService) {}

  @Get()
  @Scopes('read:resource_servers')
  list(@Tenant() tenant: TenantContext, @Query() query: Record<string, unknown>) {
    return this.apis.list(tenant, parseListQuery(query, ['identifiers[]'], { checkpoint: false }));
  }

  @Post()
  @HttpCode(201)
  @Scopes('create:resource_servers')
  create(@Tenant() tenant: TenantContext, @Body() body: CreateResourceServerDto) {
    return this.apis.create(tenant, body);
  }

  @Get(':id')
  @Scopes('read:resource_servers')
  get(@Tenant() tenant: TenantContext, @Param('id') id: string, @Query() query: Record<string, unknown>) {
    return this.apis.get(tenant, id, parseFieldsQuery(query));
  }

  @Patch(':id')
  @Scopes('update:resource_servers')
  update(@Tenant() tenant: TenantContext, @Param('id') id: string, @Body() body: UpdateResourceServerDto) {
    return this.apis.update(tenant, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes('delete:resource_servers')
  async remove(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<void> {
    await this.apis.delete(tenant, id);
  }
}
