import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import type { CookieSpec } from '../common/cookies.js';
import { DbService } from '../database/db.service.js';
import { SecretsService } from '../keys/secrets.service.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import type { TenantEntity } from '../tenants/tenant.entity.js';
import { UsersService } from '../users/users.service.js';
import { SessionEntity } from './session.entity.js';

export const SESSION_COOKIE = 'tessera_session';
/** A random per-browser id; login and consent forms are bound to it against CSRF. */
export const BROWSER_COOKIE = 'tessera_did';

const HOUR = 3600;
/** Idle expiry is pushed forward at most this often, so browsing does not write on every request. */
const TOUCH_EVERY = 60;

export interface StartedSession {
  session: SessionEntity;
  cookie: CookieSpec;
}

const now = () => Math.floor(Date.now() / 1000);

export function secureCookies(tenant: TenantContext): boolean {
  return tenant.issuer.startsWith('https:');
}

@Injectable()
export class SessionsService implements OnModuleInit {
  constructor(
    @InjectRepository(SessionEntity) private readonly repo: Repository<SessionEntity>,
    private readonly db: DbService,
    private readonly secrets: SecretsService,
    private readonly users: UsersService,
  ) {}

  onModuleInit(): void {
    this.users.onDelete(async (em, tenantId, userId) => {
      await em.delete(SessionEntity, { tenantId, userId });
    });
    // A password reset ends every session of the user.
    this.users.onCredentialsReset(async (em, tenantId, userId) => {
      await em.update(SessionEntity, { tenantId, userId, revokedAt: IsNull() }, { revokedAt: new Date().toISOString() });
    });
  }

  /** Starts a session after a successful login, ending the browser's previous one. */
  async start(tenant: TenantContext, settings: TenantEntity, userId: string, previousCookie?: string): Promise<StartedSession> {
    const token = this.secrets.newSecret();
    const t = now();
    const s = new SessionEntity();
    s.id = this.secrets.newId();
    s.tokenHash = this.secrets.hash(token);
    s.tenantId = tenant.id;
    s.userId = userId;
    s.authTime = t;
    s.expiresAt = t + Math.round(settings.sessionLifetime * HOUR);
    s.idleExpiresAt = Math.min(s.expiresAt, t + Math.round(settings.idleSessionLifetime * HOUR));
    s.createdAt = new Date(t * 1000).toISOString();
    s.revokedAt = null;
    await this.db.write(async (em) => {
      if (previousCookie) {
        await em.update(SessionEntity, { tenantId: tenant.id, tokenHash: this.secrets.hash(previousCookie) }, { revokedAt: s.createdAt });
      }
      await em.insert(SessionEntity, s);
    });
    return {
      session: s,
      cookie: { name: SESSION_COOKIE, value: token, maxAge: s.expiresAt - t, secure: secureCookies(tenant), crossSite: true },
    };
  }

  /** The live session a cookie names, its idle expiry pushed forward; undefined when none. */
  async resume(tenant: TenantContext, settings: TenantEntity, cookie: string | undefined): Promise<SessionEntity | undefined> {
    if (!cookie || cookie.length > 200) {
      return undefined;
    }
    const s = await this.repo.findOne({ where: { tenantId: tenant.id, tokenHash: this.secrets.hash(cookie) } });
    const t = now();
    if (!s || s.revokedAt !== null || s.expiresAt <= t || s.idleExpiresAt <= t) {
      return undefined;
    }
    const idle = Math.min(s.expiresAt, t + Math.round(settings.idleSessionLifetime * HOUR));
    if (idle - s.idleExpiresAt >= TOUCH_EVERY) {
      s.idleExpiresAt = idle;
      await this.db.write((em) => em.update(SessionEntity, { id: s.id }, { idleExpiresAt: idle }));
    }
    return s;
  }

  /** Ends the session a cookie names (logout). Returns the ended session, if there was one. */
  async end(tenant: TenantContext, cookie: string | undefined): Promise<SessionEntity | undefined> {
    if (!cookie || cookie.length > 200) {
      return undefined;
    }
    return this.db.write(async (em) => {
      const s = await em.findOne(SessionEntity, { where: { tenantId: tenant.id, tokenHash: this.secrets.hash(cookie) } });
      if (!s || s.revokedAt !== null) {
        return undefined;
      }
      s.revokedAt = new Date().toISOString();
      await em.update(SessionEntity, { id: s.id }, { revokedAt: s.revokedAt });
      return s;
    });
  }

  /** Ends one session by id (e.g. its user was blocked). */
  async endById(tenantId: string, id: string): Promise<void> {
    await this.db.write((em) => em.update(SessionEntity, { tenantId, id }, { revokedAt: new Date().toISOString() }));
  }

  clearCookie(tenant: TenantContext): CookieSpec {
    return { name: SESSION_COOKIE, value: '', maxAge: 0, secure: secureCookies(tenant), crossSite: true };
  }

  /** The browser id from its cookie, or a new one with the cookie to set. */
  browserId(tenant: TenantContext, existing: string | undefined): { id: string; cookie?: CookieSpec } {
    if (existing && /^[A-Za-z0-9_-]{20,100}$/.test(existing)) {
      return { id: existing };
    }
    const id = this.secrets.newSecret();
    // A year: the id only binds forms to this browser and carries no authority of its own.
    return { id, cookie: { name: BROWSER_COOKIE, value: id, maxAge: 365 * 24 * HOUR, secure: secureCookies(tenant) } };
  }

  /** A CSRF token for a form of transaction `txnId` in browser `browserId`: unguessable without the cookie. */
  csrfToken(browserId: string, txnId: string, purpose: string): string {
    return this.secrets.hash(`${purpose}:${browserId}:${txnId}`);
  }

  csrfValid(browserId: string | undefined, txnId: string, purpose: string, presented: string | undefined): boolean {
    if (!browserId || !presented) {
      return false;
    }
    return this.secrets.equals(this.csrfToken(browserId, txnId, purpose), presented);
  }
}
