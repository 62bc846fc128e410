import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { TenantProvisioningService } from '../tenant-admin/tenant-provisioning.service.js';
import { DEFAULT_TENANT_ID, TenantsService } from '../tenants/tenants.service.js';

/**
 * First start on an empty database: the default tenant, its keys, the system Management API, an admin
 * client holding every Management scope and the dashboard client, all in one transaction. Later starts
 * change nothing, except to give tenants of an older database their dashboard client.
 */
@Injectable()
export class BootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tenants: TenantsService,
    private readonly provisioning: TenantProvisioningService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await this.tenants.find(DEFAULT_TENANT_ID)) {
      if (await this.provisioning.moveDefaultTenant()) {
        this.logger.log(`PUBLIC_URL changed: the default tenant now answers as ${this.config.issuer}`);
      }
      const dashboards = await this.provisioning.ensureDashboardClients();
      if (dashboards.length > 0) {
        this.logger.log(`Tessera Dashboard client created or updated for tenants ${dashboards.join(', ')}`);
      }
      const adminRoles = await this.provisioning.ensureAdminRoles();
      if (adminRoles.length > 0) {
        this.logger.log(`Admin role "${this.config.adminRoleName}" created for tenants ${adminRoles.join(', ')}`);
      }
      return;
    }
    const made = await this.provisioning.create({
      id: DEFAULT_TENANT_ID,
      friendlyName: 'Tessera',
      domain: new URL(this.config.issuer).host,
      adminClientId: this.config.adminClientId,
      adminClientSecret: this.config.adminClientSecret,
    });

    this.logger.log(`Created the default tenant for ${made.issuer}`);
    if (!this.config.adminClientSecret && this.config.printBootstrapCredentials) {
      // Printed once, on stdout only, because nobody could read the generated secret otherwise.
      process.stdout.write(
        `\nTessera admin client (shown once; also readable later through GET /api/v2/clients/{id}):\n` +
          `  ADMIN_CLIENT_ID=${made.adminClientId}\n  ADMIN_CLIENT_SECRET=${made.adminClientSecret}\n\n`,
      );
    }
  }
}
