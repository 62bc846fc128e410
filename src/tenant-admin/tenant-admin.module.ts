import { Module } from '@nestjs/common';
import { CacheModule } from '../cache/cache.module.js';
import { ConnectionsModule } from '../connections/connections.module.js';
import { ApisModule } from '../apis/apis.module.js';
import { ClientGrantsModule } from '../client-grants/client-grants.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { RolesModule } from '../roles/roles.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { TenantProvisioningService } from './tenant-provisioning.service.js';
import { TenantsAdminController } from './tenants-admin.controller.js';
import { TenantsAdminService } from './tenants-admin.service.js';

@Module({
  imports: [
    CacheModule,
    DatabaseModule,
    TenantsModule,
    KeysModule,
    ApisModule,
    ClientsModule,
    ClientGrantsModule,
    ConnectionsModule,
    RolesModule,
  ],
  controllers: [TenantsAdminController],
  providers: [TenantProvisioningService, TenantsAdminService],
  exports: [TenantProvisioningService, TenantsAdminService],
})
export class TenantAdminModule {}
