import { Module } from '@nestjs/common';
import { ActionsModule } from '../actions/actions.module.js';
import { ApisModule } from '../apis/apis.module.js';
import { ClientGrantsModule } from '../client-grants/client-grants.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { CacheCoherenceService } from './cache-coherence.service.js';

@Module({
  imports: [TenantsModule, ApisModule, ClientsModule, ClientGrantsModule, KeysModule, ActionsModule],
  providers: [CacheCoherenceService],
})
export class CacheCoherenceModule {}
