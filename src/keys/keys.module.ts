import { Module } from '@nestjs/common';
import { CacheModule } from '../cache/cache.module.js';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { IdTokenHintVerifier } from './id-token-hint.verifier.js';
import { JwtService } from './jwt.service.js';
import { SECRET_BOX } from './keys.tokens.js';
import { SecretBox } from './secret-box.js';
import { SigningKeyEntity } from './signing-key.entity.js';
import { SigningKeysService } from './signing-keys.service.js';
import { SecretsService } from './secrets.service.js';
import { PasswordHasher } from './password-hasher.js';
import { UserinfoKeyEntity } from './userinfo-key.entity.js';
import { UserinfoTokenService } from './userinfo-token.service.js';

@Module({
  imports: [CacheModule, TypeOrmModule.forFeature([SigningKeyEntity, UserinfoKeyEntity]), DatabaseModule],
  providers: [
    { provide: SECRET_BOX, inject: [APP_CONFIG], useFactory: (c: AppConfig) => SecretBox.open(c.encryptionKey, c.encryptionKeyFile) },
    SigningKeysService,
    JwtService,
    SecretsService,
    PasswordHasher,
    UserinfoTokenService,
    IdTokenHintVerifier,
  ],
  exports: [SigningKeysService, JwtService, SecretsService, PasswordHasher, UserinfoTokenService, IdTokenHintVerifier],
})
export class KeysModule {}
