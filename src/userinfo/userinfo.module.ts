import { Module } from '@nestjs/common';
import { ApisModule } from '../apis/apis.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { UserinfoController } from './userinfo.controller.js';
import { UserinfoService } from './userinfo.service.js';

@Module({
  imports: [KeysModule, ApisModule, UsersModule, TokensModule],
  controllers: [UserinfoController],
  providers: [UserinfoService],
})
export class UserinfoModule {}
