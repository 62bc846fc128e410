import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module.js';
import { ConnectionsModule } from '../connections/connections.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { EmailsModule } from '../emails/emails.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { LoginProtectionModule } from '../login-protection/login-protection.module.js';
import { LogsModule } from '../logs/logs.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountAdminService } from './account-admin.service.js';
import { AccountPagesService } from './account-pages.service.js';
import {
  AccountPagesController,
  DbConnectionsController,
  VerificationEmailJobController,
  TicketsController,
} from './account.controller.js';
import { AccountService } from './account.service.js';
import { JobEntity } from '../jobs/job.entity.js';
import { TicketsService } from './tickets.service.js';
import { UserTicketEntity } from './user-ticket.entity.js';

/** Sign-up, password reset and e-mail verification on the database connection (issue 15). */
@Module({
  imports: [
    TypeOrmModule.forFeature([UserTicketEntity, JobEntity]),
    DatabaseModule,
    KeysModule,
    UsersModule,
    ClientsModule,
    ConnectionsModule,
    TenantsModule,
    EmailsModule,
    LogsModule,
    LoginProtectionModule,
  ],
  controllers: [DbConnectionsController, AccountPagesController, TicketsController, VerificationEmailJobController],
  providers: [AccountService, AccountPagesService, AccountAdminService, TicketsService],
  exports: [AccountService],
})
export class AccountModule {}
