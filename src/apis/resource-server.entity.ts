import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export interface ApiScope {
  value: string;
  description?: string;
}

export interface TokenEncryption {
  format: 'compact-nested-jwe';
  encryption_key: { name: string; alg: 'RSA-OAEP-256'; kid?: string; pem: string };
}

@Entity('resource_servers')
@Index('resource_servers_tenant_identifier', ['tenantId', 'identifier'], { unique: true })
export class ResourceServerEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @Column({ type: 'varchar', length: 600 })
  identifier: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'is_system', type: 'boolean', default: false })
  isSystem: boolean;

  @Column({ name: 'signing_alg', type: 'varchar', length: 8 })
  signingAlg: 'HS256' | 'RS256' | 'PS256';

  /** Sealed by SecretBox; present for HS256 APIs (and kept if the API moves to RS256, as Auth0 does). */
  @Column({ name: 'signing_secret_sealed', type: 'text', nullable: true })
  signingSecretSealed: string | null;

  @Column({ name: 'token_lifetime', type: 'integer' })
  tokenLifetime: number;

  @Column({ name: 'token_lifetime_for_web', type: 'integer' })
  tokenLifetimeForWeb: number;

  @Column({ name: 'allow_offline_access', type: 'boolean', default: false })
  allowOfflineAccess: boolean;

  @Column({ name: 'skip_consent_for_verifiable_first_party_clients', type: 'boolean', default: false })
  skipConsentForVerifiableFirstPartyClients: boolean;

  @Column({ type: 'simple-json' })
  scopes: ApiScope[];

  @Column({ name: 'token_dialect', type: 'varchar', length: 32, default: 'access_token' })
  tokenDialect: 'access_token' | 'access_token_authz' | 'rfc9068_profile' | 'rfc9068_profile_authz';

  @Column({ name: 'enforce_policies', type: 'boolean', default: false })
  enforcePolicies: boolean;

  @Column({ name: 'token_encryption', type: 'simple-json', nullable: true })
  tokenEncryption: TokenEncryption | null;

  /** Tessera's own extension: `jwt` (default) or `opaque` reference tokens checked by introspection. */
  @Column({ name: 'access_token_format', type: 'varchar', length: 16, default: 'jwt' })
  accessTokenFormat: 'jwt' | 'opaque';

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt: string;
}
