import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientEntity } from '../clients/client.entity.js';
import { ClientsModule } from '../clients/clients.module.js';
import { LogsModule } from '../logs/logs.module.js';
import { CorsPolicy } from './cors-policy.js';

@Module({
  imports: [TypeOrmModule.forFeature([ClientEntity]), ClientsModule, LogsModule],
  providers: [CorsPolicy],
  exports: [CorsPolicy],
})
export class CorsModule {}
