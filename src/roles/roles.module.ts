import { Module } from '@nestjs/common';
import { ApisModule } from '../apis/apis.module.js';
import { CacheModule } from '../cache/cache.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { UsersModule } from '../users/users.module.js';
import { RolesController, UserRolesController } from './roles.controller.js';
import { RolesService } from './roles.service.js';

/** RBAC (Auth0's roles and permissions). Exports RolesService for the token issuer, sign-in and Actions. */
@Module({
  imports: [CacheModule, DatabaseModule, KeysModule, ApisModule, UsersModule],
  controllers: [RolesController, UserRolesController],
  providers: [RolesService],
  exports: [RolesService],
})
export class RolesModule {}
