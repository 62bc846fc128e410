import { Module } from '@nestjs/common';
import { ApisModule } from '../apis/apis.module.js';
import { ClientGrantsModule } from '../client-grants/client-grants.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { ReferenceTokensModule } from '../reference-tokens/reference-tokens.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { AccessTokenIssuer } from './access-token.issuer.js';
import { ClientAuthenticator } from './client-authenticator.js';
import { ClientCredentialsGrant } from './grants/client-credentials.grant.js';
import { GRANT_HANDLERS, type GrantHandler } from './grants/grant-handler.js';
import { TokenController } from './token.controller.js';

@Module({
  imports: [KeysModule, ReferenceTokensModule, TenantsModule, ApisModule, ClientsModule, ClientGrantsModule],
  controllers: [TokenController],
  providers: [
    AccessTokenIssuer,
    ClientAuthenticator,
    ClientCredentialsGrant,
    {
      provide: GRANT_HANDLERS,
      inject: [ClientCredentialsGrant],
      useFactory: (...handlers: GrantHandler[]) => handlers,
    },
  ],
  exports: [AccessTokenIssuer, ClientAuthenticator],
})
export class TokensModule {}
