import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, Repository } from 'typeorm';
import { DbService } from '../database/db.service.js';
import { SecretsService } from '../keys/secrets.service.js';
import { UsersService } from '../users/users.service.js';
import { UserTicketEntity, type TicketKind } from './user-ticket.entity.js';

/** Where each kind of link opens, under the issuer. */
const PATHS: Record<TicketKind, string> = {
  password_change: 'lo/reset',
  email_verification: 'u/email-verification',
  unblock: 'lo/unblock',
};

export interface NewTicket {
  tenantId: string;
  issuer: string;
  userId: string;
  kind: TicketKind;
  ttlSeconds: number;
  clientId?: string | null;
  resultUrl?: string | null;
  markEmailVerified?: boolean;
  includeEmail?: boolean;
}

const now = () => Math.floor(Date.now() / 1000);

/**
 * Single-use, expiring links for one user. The token is 48 random bytes and appears only in the link;
 * the database keeps its hash, so a copy of the database opens no account.
 */
@Injectable()
export class TicketsService {
  constructor(
    @InjectRepository(UserTicketEntity) private readonly repo: Repository<UserTicketEntity>,
    private readonly db: DbService,
    private readonly secrets: SecretsService,
    users: UsersService,
  ) {
    users.onDelete(async (em, tenantId, userId) => {
      await em.delete(UserTicketEntity, { tenantId, userId });
    });
  }

  /** Stores a ticket and returns its URL on the issuer's origin. */
  async create(t: NewTicket): Promise<string> {
    const token = this.secrets.newSecret();
    const e = Object.assign(new UserTicketEntity(), {
      id: this.secrets.hash(token),
      tenantId: t.tenantId,
      userId: t.userId,
      kind: t.kind,
      clientId: t.clientId ?? null,
      resultUrl: t.resultUrl ?? null,
      markEmailVerified: t.markEmailVerified ?? false,
      includeEmail: t.includeEmail ?? false,
      expiresAt: now() + t.ttlSeconds,
      usedAt: null,
      createdAt: new Date().toISOString(),
    } satisfies UserTicketEntity);
    await this.db.write((em) => em.insert(UserTicketEntity, e));
    return `${t.issuer}${PATHS[t.kind]}?ticket=${encodeURIComponent(token)}`;
  }

  /** The live (unused, unexpired) ticket a token names, without using it. */
  async peek(tenantId: string, token: unknown, kind: TicketKind): Promise<UserTicketEntity | undefined> {
    if (typeof token !== 'string' || token.length < 20 || token.length > 200) {
      return undefined;
    }
    const e = await this.repo.findOne({
      where: { id: this.secrets.hash(token), tenantId, kind, usedAt: IsNull(), expiresAt: MoreThan(now()) },
    });
    return e ?? undefined;
  }

  /** Uses the ticket: exactly one caller gets it, however many race for the same link. */
  async use(tenantId: string, token: unknown, kind: TicketKind): Promise<UserTicketEntity | undefined> {
    const e = await this.peek(tenantId, token, kind);
    if (!e) {
      return undefined;
    }
    const result = await this.db.write((em) =>
      em.update(UserTicketEntity, { id: e.id, usedAt: IsNull(), expiresAt: MoreThan(now()) }, { usedAt: new Date().toISOString() }),
    );
    return (result.affected ?? 0) === 1 ? e : undefined;
  }
}
