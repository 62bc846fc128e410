import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { SigningKeysController } from './signing-keys.controller.js';
import { SigningKeysAdminService } from './signing-keys-admin.service.js';

/** HTTP surface for the tenant's signing keys (`/api/v2/keys/signing`); the keys themselves live in KeysModule. */
@Module({
  imports: [KeysModule, DatabaseModule],
  controllers: [SigningKeysController],
  providers: [SigningKeysAdminService],
})
export class SigningKeysModule {}
