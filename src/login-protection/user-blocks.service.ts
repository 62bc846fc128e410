import { Injectable } from '@nestjs/common';
import { ManagementError } from '../errors/api-error.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import { UsersService } from '../users/users.service.js';
import { LoginProtectionService } from './login-protection.service.js';

type BlockedFor = { blocked_for: { identifier: string; ip: string; connection: string }[] };

@Injectable()
export class UserBlocksService {
  constructor(
    private readonly protection: LoginProtectionService,
    private readonly users: UsersService,
  ) {}

  async getByIdentifier(tenant: TenantContext, query: Record<string, unknown>): Promise<BlockedFor> {
    return { blocked_for: await this.protection.blocksOf(tenant.id, identifierOf(query)) };
  }

  async unblockByIdentifier(tenant: TenantContext, query: Record<string, unknown>): Promise<void> {
    await this.protection.unblock(tenant.id, identifierOf(query));
  }

  async getByUser(tenant: TenantContext, userId: string): Promise<BlockedFor> {
    return { blocked_for: await this.protection.blocksOf(tenant.id, await this.emailOf(tenant, userId)) };
  }

  async unblockUser(tenant: TenantContext, userId: string): Promise<void> {
    await this.protection.unblock(tenant.id, await this.emailOf(tenant, userId));
  }

  private async emailOf(tenant: TenantContext, userId: string): Promise<string> {
    const user = await this.users.find(tenant.id, userId);
    if (!user?.email) {
      throw ManagementError.notFound('The user does not exist.', 'inexistent_user');
    }
    return user.email;
  }
}

function identifierOf(query: Record<string, unknown>): string {
  const extra = Object.keys(query).filter((k) => k !== 'identifier' && k !== 'consider_brute_force_enablement');
  if (extra.length > 0) {
    throw ManagementError.badRequest(
      `Query validation error: 'Additional properties not allowed: ${extra.join(',')}'.`,
      'invalid_query_string',
    );
  }
  const id = query.identifier;
  if (typeof id !== 'string' || id.length === 0 || id.length > 320) {
    throw ManagementError.badRequest("Query validation error: 'Missing required property: identifier'.", 'invalid_query_string');
  }
  return id;
}
