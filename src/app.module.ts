import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActionsModule } from './actions/actions.module.js';
import { ApisModule } from './apis/apis.module.js';
import { AuthorizeModule } from './authorize/authorize.module.js';
import { BootstrapModule } from './bootstrap/bootstrap.module.js';
import { CacheCoherenceModule } from './cache-coherence/cache-coherence.module.js';
import { ClientGrantsModule } from './client-grants/client-grants.module.js';
import { ClientsModule } from './clients/clients.module.js';
import { managementValidationPipe } from './common/validation.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { ConnectionsModule } from './connections/connections.module.js';
import { EmailsModule } from './emails/emails.module.js';
import { AccountModule } from './account/account.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { dataSourceOptions } from './data-source-options.js';
import { DiscoveryModule } from './discovery/discovery.module.js';
import { ApiErrorFilter } from './errors/api-error.filter.js';
import { IntrospectionModule } from './introspection/introspection.module.js';
import { KeysModule } from './keys/keys.module.js';
import { HealthModule } from './health/health.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { LogStreamsModule } from './log-streams/log-streams.module.js';
import { BackupModule } from './backup/backup.module.js';
import { LogoutModule } from './logout/logout.module.js';
import { LoginProtectionModule } from './login-protection/login-protection.module.js';
import { LogsModule } from './logs/logs.module.js';
import { ManagementJsonBodyMiddleware } from './management/json-body.middleware.js';
import { ManagementModule } from './management/management.module.js';
import { SigningKeysModule } from './signing-keys/signing-keys.module.js';
import { NulGuardMiddleware } from './common/nul-guard.middleware.js';
import { RateLimitMiddleware } from './rate-limit/rate-limit.middleware.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import { RolesModule } from './roles/roles.module.js';
import { TenantAdminModule } from './tenant-admin/tenant-admin.module.js';
import { TenantSettingsModule } from './tenant-settings/tenant-settings.module.js';
import { TenantMiddleware } from './tenants/tenant.middleware.js';
import { TenantsModule } from './tenants/tenants.module.js';
import { TokensModule } from './tokens/tokens.module.js';
import { UserinfoModule } from './userinfo/userinfo.module.js';
import { UsersModule } from './users/users.module.js';
import { UnsupportedResourcesModule } from './management/unsupported-resources/unsupported-resources.module.js';

@Module({})
export class AppModule implements NestModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        TypeOrmModule.forRoot(dataSourceOptions(config)),
        KeysModule,
        TenantsModule,
        RateLimitModule,
        ApisModule,
        TenantSettingsModule,
        ClientsModule,
        ClientGrantsModule,
        TokensModule,
        UsersModule,
        ConnectionsModule,
        EmailsModule,
        AccountModule,
        JobsModule,
        RolesModule,
        AuthorizeModule,
        UserinfoModule,
        LogoutModule,
        DiscoveryModule,
        SigningKeysModule,
        IntrospectionModule,
        ManagementModule,
        LogsModule,
        LoginProtectionModule,
        TenantAdminModule,
        BootstrapModule,
        CacheCoherenceModule,
        DashboardModule,
        ActionsModule,
        HealthModule,
        LogStreamsModule,
        BackupModule,
        UnsupportedResourcesModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ApiErrorFilter },
        { provide: APP_PIPE, useFactory: managementValidationPipe },
        TenantMiddleware,
        NulGuardMiddleware,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(TenantMiddleware, RateLimitMiddleware, NulGuardMiddleware).forRoutes('*');
    consumer.apply(ManagementJsonBodyMiddleware).forRoutes('*');
  }
}
