import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from './config/app-config.js';
import { ResourceServerEntity } from './apis/resource-server.entity.js';
import { ClientGrantEntity } from './client-grants/client-grant.entity.js';
import { ClientEntity } from './clients/client.entity.js';
import { SigningKeyEntity } from './keys/signing-key.entity.js';
import { TenantDomainEntity } from './tenants/tenant-domain.entity.js';
import { TenantEntity } from './tenants/tenant.entity.js';
import { MIGRATIONS } from './database/migrations/index.js';
import { AuthorizationCodeEntity } from './authorize/authorization-code.entity.js';
import { ConsentEntity } from './authorize/consent.entity.js';
import { UserinfoKeyEntity } from './keys/userinfo-key.entity.js';
import { SessionEntity } from './sessions/session.entity.js';
import { RefreshTokenEntity } from './tokens/refresh-token.entity.js';
import { TokenFamilyEntity } from './tokens/token-family.entity.js';
import { UserEntity } from './users/user.entity.js';
import { LogEventEntity } from './logs/log-event.entity.js';
import { LoginFailureEntity } from './login-protection/login-failure.entity.js';
import { ReferenceTokenEntity } from './reference-tokens/reference-token.entity.js';
import { ConnectionEntity } from './connections/connection.entity.js';
import { EmailProviderEntity } from './emails/email-provider.entity.js';
import { EmailTemplateEntity } from './emails/email-template.entity.js';
import { JobErrorEntity } from './jobs/job-error.entity.js';
import { JobFileEntity } from './jobs/job-file.entity.js';
import { JobEntity } from './jobs/job.entity.js';
import { UserTicketEntity } from './account/user-ticket.entity.js';
import { LogStreamEntity } from './log-streams/log-stream.entity.js';
import { RbacVersionEntity, RoleEntity, RolePermissionEntity, UserPermissionEntity, UserRoleEntity } from './roles/role.entity.js';
import { ActionEntity } from './actions/action.entity.js';
import { ActionVersionEntity } from './actions/action-version.entity.js';
import { ActionBindingEntity } from './actions/action-binding.entity.js';

export const ENTITIES = [
  TenantEntity,
  TenantDomainEntity,
  SigningKeyEntity,
  ResourceServerEntity,
  ClientEntity,
  ClientGrantEntity,
  ReferenceTokenEntity,
  LogEventEntity,
  LoginFailureEntity,
  UserEntity,
  SessionEntity,
  AuthorizationCodeEntity,
  ConsentEntity,
  TokenFamilyEntity,
  RefreshTokenEntity,
  UserinfoKeyEntity,
  ConnectionEntity,
  EmailProviderEntity,
  EmailTemplateEntity,
  UserTicketEntity,
  JobEntity,
  JobFileEntity,
  JobErrorEntity,
  LogStreamEntity,
  RoleEntity,
  RolePermissionEntity,
  UserRoleEntity,
  UserPermissionEntity,
  RbacVersionEntity,
  ActionEntity,
  ActionVersionEntity,
  ActionBindingEntity,
];

/**
 * sqlite3 as TypeORM would load it, minus `verbose()`: TypeORM calls it, and it wraps every database call
 * to capture a stack trace and `util.inspect` each argument (the SQL and every parameter), a cost paid on
 * every query (bench/RESULTS.md). Errors keep their own stack, without the long trace.
 */
const QUIET_SQLITE3 = { verbose: (): unknown => createRequire(import.meta.url)('sqlite3') };

/** One options object for the app and the TypeORM CLI (ormconfig.ts). Schema changes only by migration. */
export function dataSourceOptions(config: Pick<AppConfig, 'database'>): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, migrationsRun: true, synchronize: false, logging: false } as const;
  if (config.database.type === 'postgres') {
    return { ...common, type: 'postgres', url: config.database.url };
  }
  mkdirSync(dirname(config.database.path), { recursive: true });
  return { ...common, type: 'sqlite', driver: QUIET_SQLITE3, database: config.database.path, enableWAL: true, busyTimeout: 15000 };
}
