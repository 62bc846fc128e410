import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('users')
@Index('users_tenant_connection_email', ['tenantId', 'connection', 'email'], { unique: true })
@Index('users_tenant_connection_username', ['tenantId', 'connection', 'username'], { unique: true })
export class UserEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  /** `auth0|<id>`, as Auth0 names database-connection users; unique within the tenant. */
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  @Column({ type: 'varchar', length: 128 })
  connection: string;

  /** Lower-cased, as Auth0 stores database-connection emails. */
  @Column({ type: 'varchar', length: 320 })
  email: string;

  /** Only on connections with `requires_username`; lower-cased. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  username: string | null;

  @Column({ name: 'email_verified', type: 'boolean', default: false })
  emailVerified: boolean;

  @Column({ type: 'varchar', length: 300 })
  name: string;

  @Column({ type: 'varchar', length: 300 })
  nickname: string;

  @Column({ name: 'given_name', type: 'varchar', length: 150, nullable: true })
  givenName: string | null;

  @Column({ name: 'family_name', type: 'varchar', length: 150, nullable: true })
  familyName: string | null;

  @Column({ type: 'varchar', length: 2048 })
  picture: string;

  @Column({ name: 'user_metadata', type: 'simple-json' })
  userMetadata: Record<string, unknown>;

  @Column({ name: 'app_metadata', type: 'simple-json' })
  appMetadata: Record<string, unknown>;

  @Column({ type: 'boolean', default: false })
  blocked: boolean;

  /** `scrypt$...` from PasswordHasher; never leaves the users module. */
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash: string | null;

  /** Previous password hashes, newest first, kept while the connection's `password_history` is on. */
  @Column({ name: 'password_history', type: 'simple-json', nullable: true })
  passwordHistory: string[] | null;

  @Column({ name: 'last_password_reset', type: 'varchar', length: 32, nullable: true })
  lastPasswordReset: string | null;

  @Column({ name: 'last_login', type: 'varchar', length: 32, nullable: true })
  lastLogin: string | null;

  @Column({ name: 'last_ip', type: 'varchar', length: 64, nullable: true })
  lastIp: string | null;

  @Column({ name: 'logins_count', type: 'integer', default: 0 })
  loginsCount: number;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt: string;
}
