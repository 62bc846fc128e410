import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ApisService } from '../apis/apis.service.js';
import { ClientGrantsService } from '../client-grants/client-grants.service.js';
import { ClientsService } from '../clients/clients.service.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DbService } from '../database/db.service.js';
import { SecretsService } from '../keys/secrets.service.js';
import { SigningKeyEntity } from '../keys/signing-key.entity.js';
import { SigningKeysService } from '../keys/signing-keys.service.js';
import { MANAGEMENT_SCOPES } from '../management/management-scopes.js';
import { TenantEntity } from '../tenants/tenant.entity.js';
import { managementApiIdentifier } from '../tenants/tenant-context.js';
import { DEFAULT_TENANT_ID, TenantsService } from '../tenants/tenants.service.js';

/**
 * First start on an empty database: the default tenant, its keys, the system Management API and an admin
 * client holding every Management scope, all in one transaction. Later starts change nothing.
 */
@Injectable()
export class BootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: DbService,
    private readonly tenants: TenantsService,
    private readonly keys: SigningKeysService,
    private readonly apis: ApisService,
    private readonly clients: ClientsService,
    private readonly grants: ClientGrantsService,
    private readonly secrets: SecretsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await this.tenants.find(DEFAULT_TENANT_ID)) {
      return;
    }
    const issuer = this.config.issuer;
    const clientId = this.config.adminClientId ?? this.secrets.newClientId();
    const clientSecret = this.config.adminClientSecret ?? this.secrets.newSecret();
    const keyRows = await this.keys.prepareInitialKeys(DEFAULT_TENANT_ID);
    const now = new Date().toISOString();

    await this.db.write(async (em) => {
      const tenant = em.create(TenantEntity, {
        id: DEFAULT_TENANT_ID,
        domain: new URL(issuer).host,
        friendlyName: 'Tessera',
        pictureUrl: '',
        supportEmail: '',
        supportUrl: '',
        defaultAudience: '',
        defaultDirectory: '',
        sessionLifetime: 168,
        idleSessionLifetime: 72,
        allowedLogoutUrls: [],
        enabledLocales: ['en'],
        createdAt: now,
        updatedAt: now,
      });
      await em.insert(TenantEntity, tenant);
      await em.insert(SigningKeyEntity, keyRows);
      await this.apis.createSystemApi(em, DEFAULT_TENANT_ID, issuer);
      await this.clients.createSystemAdminClient(em, DEFAULT_TENANT_ID, clientId, clientSecret);
      await this.grants.createIn(
        em,
        DEFAULT_TENANT_ID,
        clientId,
        managementApiIdentifier(issuer),
        MANAGEMENT_SCOPES.map((s) => s.value),
      );
    });
    await this.keys.reloadTenant(DEFAULT_TENANT_ID);
    this.tenants.invalidate(DEFAULT_TENANT_ID);

    this.logger.log(`Created the default tenant for ${issuer}`);
    if (!this.config.adminClientSecret && this.config.printBootstrapCredentials) {
      // Printed once, on stdout only, because nobody could read the generated secret otherwise.
      process.stdout.write(
        `\nTessera admin client (shown once; also readable later through GET /api/v2/clients/{id}):\n` +
          `  ADMIN_CLIENT_ID=${clientId}\n  ADMIN_CLIENT_SECRET=${clientSecret}\n\n`,
      );
    }
  }
}
