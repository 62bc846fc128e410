import { ConnectionsModule } from '../connections/connections.module.js';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActionsModule } from '../actions/actions.module.js';
import { ApisModule } from '../apis/apis.module.js';
import { CacheModule } from '../cache/cache.module.js';
import { AuthorizeModule } from '../authorize/authorize.module.js';
import { ClientGrantsModule } from '../client-grants/client-grants.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { CorsModule } from '../cors/cors.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { LogsModule } from '../logs/logs.module.js';
import { LoginProtectionModule } from '../login-protection/login-protection.module.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { ReferenceTokensModule } from '../reference-tokens/reference-tokens.module.js';
import { RolesModule } from '../roles/roles.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccessTokenIssuer } from './access-token.issuer.js';
import { ClientAuthenticator } from './client-authenticator.js';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant.js';
import { FamilyStates } from './family-states.js';
import { ClientCredentialsGrant } from './grants/client-credentials.grant.js';
import { GRANT_HANDLERS, type GrantHandler } from './grants/grant-handler.js';
import { PasswordGrant } from './grants/password.grant.js';
import { RefreshTokenGrant } from './grants/refresh-token.grant.js';
import { IdTokenIssuer } from './id-token.js';
import { RefreshTokenEntity } from './refresh-token.entity.js';
import { RefreshTokensService } from './refresh-tokens.service.js';
import { RevocationController } from './revocation.controller.js';
import { RevocationService } from './revocation.service.js';
import { TokenFamilyEntity } from './token-family.entity.js';
import { TokenController } from './token.controller.js';
import { TokenEndpoint } from './token-endpoint.js';
import { TokenPipeline } from './token-pipeline.js';
import { UserTokensIssuer } from './user-tokens.issuer.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([TokenFamilyEntity, RefreshTokenEntity]),
    CacheModule,
    DatabaseModule,
    KeysModule,
    ReferenceTokensModule,
    TenantsModule,
    ApisModule,
    ClientsModule,
    ClientGrantsModule,
    CorsModule,
    RolesModule,
    UsersModule,
    ConnectionsModule,
    AuthorizeModule,
    LoginProtectionModule,
    LogsModule,
    RateLimitModule,
    ActionsModule,
  ],
  controllers: [TokenController, RevocationController],
  providers: [
    AccessTokenIssuer,
    ClientAuthenticator,
    ClientCredentialsGrant,
    AuthorizationCodeGrant,
    RefreshTokenGrant,
    PasswordGrant,
    IdTokenIssuer,
    UserTokensIssuer,
    RefreshTokensService,
    FamilyStates,
    RevocationService,
    TokenEndpoint,
    TokenPipeline,
    {
      provide: GRANT_HANDLERS,
      inject: [ClientCredentialsGrant, AuthorizationCodeGrant, RefreshTokenGrant, PasswordGrant],
      useFactory: (...handlers: GrantHandler[]) => handlers,
    },
  ],
  exports: [AccessTokenIssuer, ClientAuthenticator, RefreshTokensService],
})
export class TokensModule {}
