import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { JwtService } from './jwt.service.js';
import { SECRET_BOX } from './keys.tokens.js';
import { SecretBox } from './secret-box.js';
import { SigningKeyEntity } from './signing-key.entity.js';
import { SigningKeysService } from './signing-keys.service.js';
import { SecretsService } from './secrets.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([SigningKeyEntity])],
  providers: [
    { provide: SECRET_BOX, inject: [APP_CONFIG], useFactory: (c: AppConfig) => SecretBox.open(c.encryptionKey, c.encryptionKeyFile) },
    SigningKeysService,
    JwtService,
    SecretsService,
  ],
  exports: [SigningKeysService, JwtService, SecretsService],
})
export class KeysModule {}
