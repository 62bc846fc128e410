/**
 * Where `event.authorization.roles` comes from: the names of the user's RBAC roles. ActionsModule binds it
 * to RolesService; the seam keeps the post-login trigger to the one method it needs.
 */
export interface UserRolesLookup {
  roleNamesOfUser(tenantId: string, userId: string): Promise<string[]>;
}

export const USER_ROLES = Symbol('USER_ROLES');
