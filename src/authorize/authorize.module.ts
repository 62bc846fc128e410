import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountModule } from '../account/account.module.js';
import { ActionsModule } from '../actions/actions.module.js';
import { ApisModule } from '../apis/apis.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { ConnectionsModule } from '../connections/connections.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { LoginProtectionModule } from '../login-protection/login-protection.module.js';
import { LogsModule } from '../logs/logs.module.js';
import { RolesModule } from '../roles/roles.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuthorizationCodeEntity } from './authorization-code.entity.js';
import { AuthorizationCodesService } from './authorization-codes.service.js';
import { AuthorizationRequestValidator } from './authorization-request.validator.js';
import { AuthorizationTokens } from './authorization-tokens.js';
import { AuthorizeController } from './authorize.controller.js';
import { AuthorizationResponder } from './authorization-responder.js';
import { AuthorizeService } from './authorize.service.js';
import { CompletionStep } from './completion.step.js';
import { ConsentStep } from './consent.step.js';
import { LoginStep } from './login.step.js';
import { PasswordResetRequestStep } from './password-reset-request.step.js';
import { ResumeTransactionStep } from './resume-transaction.step.js';
import { SignupStep } from './signup.step.js';
import { ConsentEntity } from './consent.entity.js';
import { ConsentsService } from './consents.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([AuthorizationCodeEntity, ConsentEntity]),
    DatabaseModule,
    KeysModule,
    TenantsModule,
    ClientsModule,
    ApisModule,
    UsersModule,
    ConnectionsModule,
    AccountModule,
    SessionsModule,
    LogsModule,
    LoginProtectionModule,
    RolesModule,
    ActionsModule,
  ],
  controllers: [AuthorizeController],
  providers: [
    AuthorizeService,
    ResumeTransactionStep,
    LoginStep,
    SignupStep,
    PasswordResetRequestStep,
    ConsentStep,
    CompletionStep,
    AuthorizationResponder,
    AuthorizationRequestValidator,
    AuthorizationCodesService,
    ConsentsService,
    AuthorizationTokens,
  ],
  exports: [AuthorizationCodesService, AuthorizationTokens],
})
export class AuthorizeModule {}
