import { ReadOnlyEcho } from '../../common/read-only-fields.js';
import { ArrayProperty, StringProperty } from '../../common/validation.js';

/** Auth0's limits: names and descriptions of roles. */
const NAME_MAX = 50;
const DESCRIPTION_MAX = 140;
/** Auth0 caps one assignment request at 1000 items. */
const MAX_ITEMS = 1000;

/** POST /api/v2/roles. */
export class CreateRoleDto {
  /** Returned by GET, set by the server: accepted back unchanged (dropReadOnlyEchoes). */
  @ReadOnlyEcho()
  id?: unknown;

  @StringProperty({ required: true, minLength: 1, maxLength: NAME_MAX })
  name: string;

  @StringProperty({ maxLength: DESCRIPTION_MAX })
  description?: string;
}

/** PATCH /api/v2/roles/{id}. */
export class UpdateRoleDto {
  @ReadOnlyEcho()
  id?: unknown;

  @StringProperty({ minLength: 1, maxLength: NAME_MAX })
  name?: string;

  @StringProperty({ maxLength: DESCRIPTION_MAX })
  description?: string;
}

/** One permission: a scope of an API, named by the API's identifier. */
export class PermissionRefDto {
  @StringProperty({ required: true, minLength: 1, maxLength: 600 })
  resource_server_identifier: string;

  @StringProperty({ required: true, minLength: 1, maxLength: 280 })
  permission_name: string;
}

/** POST/DELETE /api/v2/roles/{id}/permissions and /api/v2/users/{id}/permissions. */
export class PermissionsBodyDto {
  @ArrayProperty({ required: true, minItems: 1, maxItems: MAX_ITEMS, items: PermissionRefDto })
  permissions: PermissionRefDto[];
}

/** POST /api/v2/roles/{id}/users. */
export class RoleUsersBodyDto {
  @ArrayProperty({ required: true, minItems: 1, maxItems: MAX_ITEMS, eachString: [] })
  users: string[];
}

/** POST/DELETE /api/v2/users/{id}/roles. */
export class UserRolesBodyDto {
  @ArrayProperty({ required: true, minItems: 1, maxItems: MAX_ITEMS, eachString: [] })
  roles: string[];
}

export interface RoleResponse {
  id: string;
  name: string;
  description?: string;
}

export interface PermissionResponse {
  permission_name: string;
  description?: string;
  resource_server_name: string;
  resource_server_identifier: string;
}

export interface PermissionSource {
  source_id: string;
  source_name: string;
  source_type: 'DIRECT' | 'ROLE';
}

export interface UserPermissionResponse extends PermissionResponse {
  sources: PermissionSource[];
}

export interface RoleUserResponse {
  user_id: string;
  picture: string;
  name: string;
  email: string;
}
