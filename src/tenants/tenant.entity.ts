import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The flags a tenant can set; each is off unless set to true. */
export interface TenantFlags {
  /** Post-login actions may call `fetch` (public addresses only; see SECURITY.md). */
  actions_fetch?: boolean;
}

@Entity('tenants')
export class TenantEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  /** Host (and port) this tenant answers on; the issuer is `<scheme>://<domain>/`. */
  @Column({ type: 'varchar', length: 255, unique: true })
  domain: string;

  @Column({ name: 'friendly_name', type: 'varchar', length: 255, default: '' })
  friendlyName: string;

  @Column({ name: 'picture_url', type: 'varchar', length: 2048, default: '' })
  pictureUrl: string;

  @Column({ name: 'support_email', type: 'varchar', length: 255, default: '' })
  supportEmail: string;

  @Column({ name: 'support_url', type: 'varchar', length: 2048, default: '' })
  supportUrl: string;

  /** Identifier of a resource server, or '' for none. */
  @Column({ name: 'default_audience', type: 'varchar', length: 600, default: '' })
  defaultAudience: string;

  @Column({ name: 'default_directory', type: 'varchar', length: 128, default: '' })
  defaultDirectory: string;

  /** Hours, as Auth0 counts them. */
  @Column({ name: 'session_lifetime', type: 'real', default: 168 })
  sessionLifetime: number;

  @Column({ name: 'idle_session_lifetime', type: 'real', default: 72 })
  idleSessionLifetime: number;

  @Column({ name: 'allowed_logout_urls', type: 'simple-json', default: '[]' })
  allowedLogoutUrls: string[];

  @Column({ name: 'enabled_locales', type: 'simple-json', default: '["en"]' })
  enabledLocales: string[];

  /** Tessera's tenant flags (`flags` of the tenant settings); an absent flag is off. */
  @Column({ name: 'flags', type: 'simple-json', default: '{}' })
  flags: TenantFlags;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt: string;
}
