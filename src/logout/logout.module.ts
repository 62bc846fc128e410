import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { LogsModule } from '../logs/logs.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { LogoutController } from './logout.controller.js';
import { LogoutService } from './logout.service.js';

@Module({
  imports: [TenantsModule, ClientsModule, SessionsModule, KeysModule, LogsModule],
  controllers: [LogoutController],
  providers: [LogoutService],
})
export class LogoutModule {}
