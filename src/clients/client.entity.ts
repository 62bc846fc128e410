import { Column, Entity, PrimaryColumn } from 'typeorm';

export type AppType = 'non_interactive' | 'regular_web' | 'spa' | 'native';
/** The tenant's bootstrap admin client, or its Tessera Dashboard sign-in client. */
export type SystemClientRole = 'admin' | 'dashboard';
export type TokenEndpointAuthMethod = 'none' | 'client_secret_post' | 'client_secret_basic';

export interface JwtConfiguration {
  alg: 'HS256' | 'RS256';
  lifetime_in_seconds: number;
  secret_encoded?: boolean;
}

@Entity('clients')
export class ClientEntity {
  @PrimaryColumn({ name: 'client_id', type: 'varchar', length: 128 })
  clientId: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 140, default: '' })
  description: string;

  @Column({ name: 'app_type', type: 'varchar', length: 32, nullable: true })
  appType: AppType | null;

  @Column({ name: 'is_first_party', type: 'boolean', default: true })
  isFirstParty: boolean;

  @Column({ name: 'oidc_conformant', type: 'boolean', default: true })
  oidcConformant: boolean;

  @Column({ type: 'simple-json' })
  callbacks: string[];

  @Column({ name: 'allowed_logout_urls', type: 'simple-json' })
  allowedLogoutUrls: string[];

  @Column({ name: 'web_origins', type: 'simple-json' })
  webOrigins: string[];

  @Column({ name: 'allowed_origins', type: 'simple-json' })
  allowedOrigins: string[];

  @Column({ name: 'grant_types', type: 'simple-json' })
  grantTypes: string[];

  @Column({ name: 'token_endpoint_auth_method', type: 'varchar', length: 32 })
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;

  @Column({ name: 'jwt_configuration', type: 'simple-json' })
  jwtConfiguration: JwtConfiguration;

  /** Sealed by SecretBox: Auth0 returns the secret on read, so it cannot be a one-way hash. */
  @Column({ name: 'client_secret_sealed', type: 'text' })
  clientSecretSealed: string;

  /** A client Tessera creates and protects: the tenant's admin client or its dashboard client. */
  @Column({ name: 'is_system', type: 'boolean', default: false })
  isSystem: boolean;

  /** Which system client this is; null for every other client. */
  @Column({ name: 'system_role', type: 'varchar', length: 16, nullable: true })
  systemRole: SystemClientRole | null;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt: string;
}
