import { Body, Controller, Delete, Get, HttpCode, Param, ParseArrayPipe, Patch, Post, Query } from '@nestjs/common';
import { assertMinProperties, validationMessage } from '../common/validation.js';
import { ManagementError } from '../errors/api-error.js';
import { parseFieldsQuery, parseListQuery } from '../management/list-query.js';
import { Scopes } from '../management/scopes.decorator.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { ConnectionsService } from './connections.service.js';
import { ConnectionClientChangeDto, CreateConnectionDto, UpdateConnectionDto } from './dto/connection.dto.js';

/** Auth0's body for the enabled clients of a connection is an array of changes, at most 50 at once. */
const clientChanges = new ParseArrayPipe({
  items: ConnectionClientChangeDto,
  whitelist: true,
  forbidNonWhitelisted: true,
  validationError: { target: false, value: true },
  exceptionFactory: (errors) =>
    ManagementError.badRequest(
      Array.isArray(errors) && typeof errors[0] === 'object'
        ? validationMessage(errors as never)
        : 'Payload validation error: expected an array of {client_id, status}.',
    ),
});

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

  /** The clients enabled on the connection, with checkpoint paging (`take`, `from`). */
  @Get(':id/clients')
  @Scopes('read:connections')
  clients(@Tenant() tenant: TenantContext, @Param('id') id: string, @Query() query: Record<string, unknown>) {
    return this.connections.enabledClients(tenant, id, parseListQuery(query, [], { checkpoint: true }));
  }

  /** Enables (`status: true`) or disables clients on the connection; 204. */
  @Patch(':id/clients')
  @HttpCode(204)
  @Scopes('update:connections')
  async updateClients(
    @Tenant() tenant: TenantContext,
    @Param('id') id: string,
    @Body(clientChanges) body: ConnectionClientChangeDto[],
  ): Promise<void> {
    await this.connections.changeEnabledClients(tenant, id, body);
  }

  /** Auth0 answers 202: the connection (and its users) are being deleted. */
  @Delete(':id')
  @HttpCode(202)
  @Scopes('delete:connections')
  async remove(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<void> {
    await this.connections.delete(tenant, id);
  }
}
