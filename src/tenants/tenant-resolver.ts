import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { TenantContext } from './tenant-context.js';
import type { TenantEntity } from './tenant.entity.js';
import { DEFAULT_TENANT_ID, normalizeHost, TenantsService } from './tenants.service.js';

/**
 * The tenant answering on a Host header. A host no tenant claims belongs to the default tenant (the one
 * at PUBLIC_URL), so a single-tenant server answers on any name it is reached by. A tenant's issuer is its
 * primary domain, whichever of its domains the request came through. Framework-free: the Express
 * middleware, the token endpoint's steps and the well-known route all ask it.
 */
@Injectable()
export class TenantResolver {
  private readonly defaultTenant: TenantContext;
  private readonly scheme: string;
  private readonly contexts = new Map<string, TenantContext>();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly tenants: TenantsService,
  ) {
    this.defaultTenant = { id: DEFAULT_TENANT_ID, issuer: config.issuer };
    this.scheme = new URL(config.issuer).protocol;
  }

  async contextFor(hostHeader: string | undefined): Promise<TenantContext> {
    const host = normalizeHost(hostHeader);
    return this.contextOf(host ? await this.tenants.resolveHost(host) : undefined);
  }

  /** `contextFor` without waiting, when memory holds the answer; undefined when it would need a read. */
  cachedContextFor(hostHeader: string | undefined): TenantContext | undefined {
    const host = normalizeHost(hostHeader);
    const tenant = host ? this.tenants.cachedResolveHost(host) : null;
    return tenant === undefined ? undefined : this.contextOf(tenant ?? undefined);
  }

  private contextOf(tenant: TenantEntity | undefined): TenantContext {
    if (!tenant || tenant.id === DEFAULT_TENANT_ID) {
      return this.defaultTenant;
    }
    let ctx = this.contexts.get(tenant.id);
    if (!ctx || ctx.issuer !== `${this.scheme}//${tenant.domain}/`) {
      ctx = { id: tenant.id, issuer: `${this.scheme}//${tenant.domain}/` };
      this.contexts.set(tenant.id, ctx);
    }
    return ctx;
  }
}
