import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type TicketKind = 'password_change' | 'email_verification' | 'unblock';

/** A single-use link for one user (password reset, e-mail verification). Only the token's hash is kept. */
@Entity('user_tickets')
@Index('user_tickets_user', ['tenantId', 'userId'])
export class UserTicketEntity {
  /** SHA-256 of the token in the link. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  @Column({ type: 'varchar', length: 32 })
  kind: TicketKind;

  @Column({ name: 'client_id', type: 'varchar', length: 128, nullable: true })
  clientId: string | null;

  @Column({ name: 'result_url', type: 'varchar', length: 2048, nullable: true })
  resultUrl: string | null;

  @Column({ name: 'mark_email_verified', type: 'boolean', default: false })
  markEmailVerified: boolean;

  /** Auth0's `includeEmailInRedirect`: the result URL gets `email=<address>`. */
  @Column({ name: 'include_email', type: 'boolean', default: false })
  includeEmail: boolean;

  /** Epoch seconds. */
  @Column({ name: 'expires_at', type: 'integer' })
  expiresAt: number;

  @Column({ name: 'used_at', type: 'varchar', length: 32, nullable: true })
  usedAt: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;
}
