import { CacheRegistry } from '../cache/cache-registry.js';
import { Injectable } from '@nestjs/common';
import { DbService } from '../database/db.service.js';
import { ManagementError } from '../errors/api-error.js';
import type { TenantEntity } from '../tenants/tenant.entity.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import { DEFAULT_TENANT_ID, TenantsService } from '../tenants/tenants.service.js';
import type { CreateTenantDto, TenantResponse, UpdateTenantDto } from './dto/tenant.dto.js';
import { TenantProvisioningService } from './tenant-provisioning.service.js';

const notFound = () => ManagementError.notFound('The tenant does not exist');

/** Tessera's tenants API: only the default tenant's Management API may create, rename or delete tenants. */
@Injectable()
export class TenantsAdminService {
  constructor(
    private readonly tenants: TenantsService,
    private readonly provisioning: TenantProvisioningService,
    private readonly db: DbService,
    private readonly caches: CacheRegistry,
  ) {}

  async list(caller: TenantContext): Promise<TenantResponse[]> {
    assertDefaultTenant(caller);
    return Promise.all((await this.tenants.list()).map((t) => this.toResponse(t)));
  }

  async get(caller: TenantContext, id: string): Promise<TenantResponse> {
    assertDefaultTenant(caller);
    const t = await this.tenants.find(id);
    if (!t) {
      throw notFound();
    }
    return this.toResponse(t);
  }

  async create(caller: TenantContext, dto: CreateTenantDto): Promise<TenantResponse> {
    assertDefaultTenant(caller);
    const made = await this.provisioning.create({ friendlyName: dto.friendly_name, domain: dto.domain, aliases: dto.aliases });
    return {
      ...(await this.toResponse(made.tenant)),
      admin_client: { client_id: made.adminClientId, client_secret: made.adminClientSecret },
    };
  }

  async update(caller: TenantContext, id: string, dto: UpdateTenantDto): Promise<TenantResponse> {
    assertDefaultTenant(caller);
    try {
      await this.db.write(async (em) => {
        const t = await this.tenants.findIn(em, id);
        if (!t) {
          throw notFound();
        }
        if (dto.aliases !== undefined) {
          const aliases = [...new Set(dto.aliases)].filter((d) => d !== t.domain);
          for (const d of aliases) {
            if (await this.tenants.domainTakenIn(em, d, id)) {
              throw ManagementError.conflict(`The domain "${d}" is already used by another tenant`);
            }
          }
          await this.tenants.replaceAliasesIn(em, id, aliases);
          await this.provisioning.syncDashboardClientIn(em, t, aliases);
        }
        if (dto.friendly_name !== undefined) {
          t.friendlyName = dto.friendly_name;
        }
        t.updatedAt = new Date().toISOString();
        await this.tenants.saveIn(em, t);
      });
    } finally {
      await this.caches.drop(id);
    }
    return this.get(caller, id);
  }

  async delete(caller: TenantContext, id: string): Promise<void> {
    assertDefaultTenant(caller);
    await this.provisioning.delete(id);
  }

  private async toResponse(t: TenantEntity): Promise<TenantResponse> {
    return {
      id: t.id,
      friendly_name: t.friendlyName,
      domain: t.domain,
      aliases: await this.tenants.aliasesOf(t.id),
      issuer: this.provisioning.issuerOf(t),
      created_at: t.createdAt,
    };
  }
}

function assertDefaultTenant(caller: TenantContext): void {
  if (caller.id !== DEFAULT_TENANT_ID) {
    throw new ManagementError(403, 'operation_not_supported', 'Tenants can only be managed through the default tenant');
  }
}
