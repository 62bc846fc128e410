import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { LogsModule } from '../logs/logs.module.js';
import { CorsPolicy } from './cors-policy.js';

@Module({
  imports: [ClientsModule, LogsModule],
  providers: [CorsPolicy],
  exports: [CorsPolicy],
})
export class CorsModule {}
