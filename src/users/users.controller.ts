import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { parseListQuery } from '../management/list-query.js';
import { Scopes } from '../management/scopes.decorator.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { CreateUserDto, UpdateUserDto } from './dto/user.dto.js';
import { UsersService } from './users.service.js';

@Controller('api/v2/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Scopes('read:users')
  list(@Tenant() tenant: TenantContext, @Query() query: Record<string, unknown>) {
    return this.users.list(tenant, parseListQuery(query, ['q', 'search_engine', 'sort', 'connection', 'primary_order']));
  }

  @Post()
  @HttpCode(201)
  @Scopes('create:users')
  create(@Tenant() tenant: TenantContext, @Body() body: CreateUserDto) {
    return this.users.create(tenant, body);
  }

  @Get(':id')
  @Scopes('read:users')
  get(@Tenant() tenant: TenantContext, @Param('id') id: string, @Query() query: Record<string, unknown>) {
    return this.users.get(tenant, id, parseListQuery(query));
  }

  @Patch(':id')
  @Scopes('update:users')
  update(@Tenant() tenant: TenantContext, @Param('id') id: string, @Body() body: UpdateUserDto) {
    return this.users.update(tenant, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes('delete:users')
  async remove(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<void> {
    await this.users.delete(tenant, id);
  }
}

@Controller('api/v2/users-by-email')
export class UsersByEmailController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Scopes('read:users')
  list(@Tenant() tenant: TenantContext, @Query() query: Record<string, unknown>) {
    const q = parseListQuery(query, ['email']);
    return this.users.listByEmail(tenant, q.filters.email as string | undefined, q);
  }
}
