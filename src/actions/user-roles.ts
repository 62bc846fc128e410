import { Injectable } from '@nestjs/common';

/**
 * Where `event.authorization.roles` comes from: the names of the user's RBAC roles. RBAC is not in
 * Tessera yet, so the provider answers none; the RBAC module replaces it with its own service
 * (`{ provide: USER_ROLES, useExisting: RolesService }` in ActionsModule).
 */
export interface UserRolesLookup {
  roleNamesOfUser(tenantId: string, userId: string): Promise<string[]>;
}

export const USER_ROLES = Symbol('USER_ROLES');

@Injectable()
export class NoUserRoles implements UserRolesLookup {
  roleNamesOfUser(): Promise<string[]> {
    return Promise.resolve([]);
  }
}
