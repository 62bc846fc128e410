import { Module } from '@nestjs/common';
import { ReferenceTokensModule } from '../reference-tokens/reference-tokens.module.js';
import { ApisModule } from '../apis/apis.module.js';
import { CorsModule } from '../cors/cors.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { UserinfoController } from './userinfo.controller.js';
import { UserinfoService } from './userinfo.service.js';

@Module({
  imports: [CorsModule, KeysModule, ApisModule, UsersModule, TokensModule, ReferenceTokensModule],
  controllers: [UserinfoController],
  providers: [UserinfoService],
})
export class UserinfoModule {}
