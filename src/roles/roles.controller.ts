import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { assertMinProperties } from '../common/validation.js';
import { parseListQuery } from '../management/list-query.js';
import { Scopes } from '../management/scopes.decorator.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { CreateRoleDto, PermissionsBodyDto, RoleUsersBodyDto, UpdateRoleDto, UserRolesBodyDto } from './dto/role.dto.js';
import { RolesService } from './roles.service.js';

type Raw = Record<string, unknown>;
/** Auth0's role collections page by offset only; a role's users also by checkpoint (`from`/`take`). */
const OFFSET_ONLY = { checkpoint: false };

/** /api/v2/roles, its permissions and its users: Auth0's paths, scopes and status codes. */
@Controller('api/v2/roles')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get()
  @Scopes('read:roles')
  list(@Tenant() tenant: TenantContext, @Query() query: Raw) {
    return this.roles.list(tenant, parseListQuery(query, ['name_filter', 'type'], OFFSET_ONLY));
  }

  @Post()
  @HttpCode(200)
  @Scopes('create:roles')
  create(@Tenant() tenant: TenantContext, @Body() body: CreateRoleDto) {
    return this.roles.create(tenant, body);
  }

  @Get(':id')
  @Scopes('read:roles')
  get(@Tenant() tenant: TenantContext, @Param('id') id: string) {
    return this.roles.get(tenant, id);
  }

  @Patch(':id')
  @Scopes('update:roles')
  update(@Tenant() tenant: TenantContext, @Param('id') id: string, @Body() body: UpdateRoleDto) {
    assertMinProperties(body, 1);
    return this.roles.update(tenant, id, body);
  }

  @Delete(':id')
  @HttpCode(200)
  @Scopes('delete:roles')
  async remove(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<void> {
    await this.roles.delete(tenant, id);
  }

  @Get(':id/permissions')
  @Scopes('read:roles')
  listPermissions(@Tenant() tenant: TenantContext, @Param('id') id: string, @Query() query: Raw) {
    return this.roles.listRolePermissions(tenant, id, parseListQuery(query, [], OFFSET_ONLY));
  }

  @Post(':id/permissions')
  @HttpCode(201)
  @Scopes('update:roles')
  async addPermissions(@Tenant() tenant: TenantContext, @Param('id') id: string, @Body() body: PermissionsBodyDto): Promise<void> {
    await this.roles.addRolePermissions(tenant, id, body.permissions);
  }

  @Delete(':id/permissions')
  @HttpCode(200)
  @Scopes('update:roles')
  async removePermissions(@Tenant() tenant: TenantContext, @Param('id') id: string, @Body() body: PermissionsBodyDto): Promise<void> {
    await this.roles.removeRolePermissions(tenant, id, body.permissions);
  }

  @Get(':id/users')
  @Scopes('read:users', 'read:roles', 'read:role_members')
  listUsers(@Tenant() tenant: TenantContext, @Param('id') id: string, @Query() query: Raw) {
    return this.roles.listRoleUsers(tenant, id, parseListQuery(query));
  }

  @Post(':id/users')
  @HttpCode(200)
  @Scopes('update:roles', 'create:role_members')
  async assignUsers(@Tenant() tenant: TenantContext, @Param('id') id: string, @Body() body: RoleUsersBodyDto): Promise<void> {
    await this.roles.assignRoleUsers(tenant, id, body.users);
  }
}

/** /api/v2/users/{id}/roles and /api/v2/users/{id}/permissions. */
@Controller('api/v2/users/:id')
export class UserRolesController {
  constructor(private readonly roles: RolesService) {}

  @Get('roles')
  @Scopes('read:users', 'read:roles', 'read:role_members')
  listRoles(@Tenant() tenant: TenantContext, @Param('id') id: string, @Query() query: Raw) {
    return this.roles.listUserRoles(tenant, id, parseListQuery(query, [], OFFSET_ONLY));
  }

  @Post('roles')
  @HttpCode(204)
  @Scopes('update:users', 'create:role_members')
  async assignRoles(@Tenant() tenant: TenantContext, @Param('id') id: string, @Body() body: UserRolesBodyDto): Promise<void> {
    await this.roles.assignUserRoles(tenant, id, body.roles);
  }

  @Delete('roles')
  @HttpCode(204)
  @Scopes('update:users', 'delete:role_members')
  async removeRoles(@Tenant() tenant: TenantContext, @Param('id') id: string, @Body() body: UserRolesBodyDto): Promise<void> {
    await this.roles.removeUserRoles(tenant, id, body.roles);
  }

  @Get('permissions')
  @Scopes('read:users')
  listPermissions(@Tenant() tenant: TenantContext, @Param('id') id: string, @Query() query: Raw) {
    return this.roles.listUserPermissions(tenant, id, parseListQuery(query, [], OFFSET_ONLY));
  }

  @Post('permissions')
  @HttpCode(201)
  @Scopes('update:users')
  async addPermissions(@Tenant() tenant: TenantContext, @Param('id') id: string, @Body() body: PermissionsBodyDto): Promise<void> {
    await this.roles.addUserPermissions(tenant, id, body.permissions);
  }

  @Delete('permissions')
  @HttpCode(204)
  @Scopes('update:users')
  async removePermissions(@Tenant() tenant: TenantContext, @Param('id') id: string, @Body() body: PermissionsBodyDto): Promise<void> {
    await this.roles.removeUserPermissions(tenant, id, body.permissions);
  }
}
