import { Module } from '@nestjs/common';
import { ApisModule } from '../apis/apis.module.js';
import { ClientGrantsModule } from '../client-grants/client-grants.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { ReferenceTokensModule } from '../reference-tokens/reference-tokens.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { IntrospectionController } from './introspection.controller.js';
import { IntrospectionService } from './introspection.service.js';

@Module({
  imports: [KeysModule, ApisModule, ClientGrantsModule, ReferenceTokensModule, TokensModule],
  controllers: [IntrospectionController],
  providers: [IntrospectionService],
})
export class IntrospectionModule {}
