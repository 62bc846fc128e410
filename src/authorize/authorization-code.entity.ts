import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A one-time authorization code (RFC 6749 §4.1.2), stored by hash, kept after use to detect replay. */
@Entity('authorization_codes')
@Index('authorization_codes_expires', ['expiresAt'])
export class AuthorizationCodeEntity {
  @PrimaryColumn({ name: 'code_hash', type: 'varchar', length: 64 })
  codeHash: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @Column({ name: 'client_id', type: 'varchar', length: 128 })
  clientId: string;

  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  @Column({ name: 'session_id', type: 'varchar', length: 64, nullable: true })
  sessionId: string | null;

  /** The redirect_uri of the request, or null when the request named none (§4.1.3). */
  @Column({ name: 'redirect_uri', type: 'varchar', length: 2048, nullable: true })
  redirectUri: string | null;

  /** Granted scopes. */
  @Column({ type: 'simple-json' })
  scope: string[];

  /** API identifier, or null for no API (a userinfo-only token). */
  @Column({ type: 'varchar', length: 600, nullable: true })
  audience: string | null;

  @Column({ type: 'text', nullable: true })
  nonce: string | null;

  @Column({ name: 'code_challenge', type: 'varchar', length: 128, nullable: true })
  codeChallenge: string | null;

  @Column({ name: 'code_challenge_method', type: 'varchar', length: 8, nullable: true })
  codeChallengeMethod: string | null;

  @Column({ name: 'auth_time', type: 'integer' })
  authTime: number;

  /** Epoch seconds. */
  @Column({ name: 'expires_at', type: 'integer' })
  expiresAt: number;

  @Column({ name: 'redeemed_at', type: 'varchar', length: 32, nullable: true })
  redeemedAt: string | null;

  /** The token family its redemption started; a replay revokes it. */
  @Column({ name: 'family_id', type: 'varchar', length: 64, nullable: true })
  familyId: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;

  /** JSON of what the post-login actions decided at /authorize (custom claims, scope changes); null when none ran. */
  @Column({ name: 'action_result', type: 'text', nullable: true })
  actionResult: string | null;
}
