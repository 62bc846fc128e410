import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CacheModule } from '../cache/cache.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { LogsModule } from '../logs/logs.module.js';
import { RolesModule } from '../roles/roles.module.js';
import { RolesService } from '../roles/roles.service.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { UsersModule } from '../users/users.module.js';
import { ActionBindingEntity } from './action-binding.entity.js';
import { ActionBindingsService } from './action-bindings.service.js';
import { ActionEntity } from './action.entity.js';
import { ActionVersionEntity } from './action-version.entity.js';
import { ActionsController } from './actions.controller.js';
import { ActionsService } from './actions.service.js';
import { ChainCache } from './chain-cache.js';
import { PostLoginService } from './post-login.service.js';
import { ActionFetcher } from './sandbox/action-fetch.js';
import { ActionSandbox } from './sandbox/action-sandbox.js';
import { USER_ROLES } from './user-roles.js';

/** Actions: the Management API surface and the post-login trigger the login flows call. */
@Module({
  imports: [
    TypeOrmModule.forFeature([ActionEntity, ActionVersionEntity, ActionBindingEntity]),
    CacheModule,
    DatabaseModule,
    KeysModule,
    LogsModule,
    RolesModule,
    TenantsModule,
    UsersModule,
  ],
  controllers: [ActionsController],
  providers: [
    ActionsService,
    ActionBindingsService,
    ChainCache,
    ActionSandbox,
    ActionFetcher,
    PostLoginService,
    { provide: USER_ROLES, useExisting: RolesService },
  ],
  exports: [PostLoginService],
})
export class ActionsModule {}
