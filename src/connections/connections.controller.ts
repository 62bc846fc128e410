import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { assertMinProperties } from '../common/validation.js';
import { parseFieldsQuery, parseListQuery } from '../management/list-query.js';
import { Scopes } from '../management/scopes.decorator.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { ConnectionsService } from './connections.service.js';
import { CreateConnectionDto, UpdateConnectionDto } from './dto/connection.dto.js';

@Controller('api/v2/connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Get()
  @Scopes('read:connections')
  list(@Tenant() tenant: TenantContext, @Query() query: Record<string, unknown>) {
    return this.connections.list(tenant, parseListQuery(query, ['strategy[]', 'name']));
  }

  @Post()
  @HttpCode(201)
  @Scopes('create:connections')
  create(@Tenant() tenant: TenantContext, @Body() body: CreateConnectionDto) {
    return this.connections.create(tenant, body);
  }

  @Get(':id')
  @Scopes('read:connections')
  get(@Tenant() tenant: TenantContext, @Param('id') id: string, @Query() query: Record<string, unknown>) {
    return this.connections.get(tenant, id, parseFieldsQuery(query));
  }

  @Patch(':id')
  @Scopes('update:connections')
  update(@Tenant() tenant: TenantContext, @Param('id') id: string, @Body() body: UpdateConnectionDto) {
    assertMinProperties(body, 1);
    return this.connections.update(tenant, id, body);
  }

  /** Auth0 answers 202: the connection (and its users) are being deleted. */
  @Delete(':id')
  @HttpCode(202)
  @Scopes('delete:connections')
  async remove(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<void> {
    await this.connections.delete(tenant, id);
  }
}
