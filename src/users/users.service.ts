import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, MoreThan, Repository, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { CacheRegistry, versionedTable } from '../cache/cache-registry.js';
import type { TenantCache } from '../cache/tenant-cache.js';
import { rowMapper, type RowMapper } from '../database/row-mapper.js';
import { DbService } from '../database/db.service.js';
import { isUniqueViolation } from '../database/unique-violation.js';
import { ManagementError } from '../errors/api-error.js';
import { gravatarHash } from '../keys/oidc-hash.js';
import { PasswordHasher } from '../keys/password-hasher.js';
import { SecretsService } from '../keys/secrets.service.js';
import { DEFAULT_PER_PAGE, projectFields, type ListQuery } from '../management/list-query.js';
import { passwordHistorySize, type DatabaseConnectionOptions } from '../connections/connection-options.js';
import type { ConnectionEntity } from '../connections/connection.entity.js';
import { ConnectionsService } from '../connections/connections.service.js';
import { passwordPolicyViolation, type PersonalInfo } from '../rules/password-policy.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import { DATABASE_PROVIDER } from '../connections/database-connection.js';
import type { CreateUserDto, UpdateUserDto, UserResponse } from './dto/user.dto.js';
import type { ImportRowError, ImportUser } from './user-import.js';
import { parseUserQuery } from './user-search.js';
import { compileUserQuery, userOrderBy } from './user-search-sql.js';
import { UserEntity } from './user.entity.js';
import { toOidcProfile, toUserResponse } from './user.mapper.js';

/** What became of one row of an import batch. */
export type ImportOutcome = 'inserted' | 'updated' | ImportRowError[];

/** Rows per INSERT statement of an import (SQLite binds at most 32766 parameters per statement). */
const INSERT_CHUNK = 100;

/** Callers must answer `unknown_user` and `wrong_password` alike; the difference is only for the log. */
export type CredentialsCheck = { user: UserEntity } | { failure: 'unknown_user' | 'wrong_password' | 'blocked' };

const SORTABLE = ['created_at', 'updated_at', 'email', 'name', 'nickname', 'last_login', 'logins_count', 'user_id'] as const;
/** Auth0 pages through at most the first 1000 users of a search (and sort and search fields have indexes). */
const MAX_PAGED_RESULTS = 1000;

/** Told when a user's address wants a verification mail (Auth0's `verify_email`); must not throw or wait. */
export type VerificationListener = (tenant: TenantContext, user: UserEntity) => void;
/** Told, in the transaction, after a password reset: the user's sessions and refresh tokens end with it. */
export type CredentialsResetListener = (em: EntityManager, tenantId: string, userId: string) => Promise<void>;

/** What /userinfo needs of a user, kept in memory: its OIDC profile claims and whether it is blocked. */
export interface UserProfile {
  readonly userId: string;
  readonly blocked: boolean;
  readonly claims: Readonly<Record<string, unknown>>;
}

/** A user as kept in memory: the row without its password hash, and the profile /userinfo answers. */
interface KeptUser {
  readonly user: Readonly<UserEntity>;
  readonly profile: UserProfile;
}

/**
 * Users kept per tenant (the row without its hash, about a kilobyte each); past it the oldest read goes.
 * Sized for the users active within a few minutes on one process, not for the tenant's whole table.
 */
const USERS_KEPT_PER_TENANT = 10_000;

const notFound = () => ManagementError.notFound('The user does not exist.', 'inexistent_user');
const userExists = () => ManagementError.conflict('The user already exists.', 'auth0_idp_error');
const badQuery = (message: string) => ManagementError.badRequest(`Query validation error: ${message}`, 'invalid_query_string');

@Injectable()
export class UsersService implements OnModuleInit {
  private readonly deleteListeners: ((em: EntityManager, tenantId: string, userId: string) => Promise<void>)[] = [];
  private readonly verificationListeners: VerificationListener[] = [];
  private readonly resetListeners: CredentialsResetListener[] = [];
  /**
   * Users by id, for /userinfo and the token exchanges that follow a login (refresh, code). Every write of
   * this service drops the user's entry once committed; other processes drop them all when the users
   * table's cache version moves (any write but a login's counters: see the UserinfoCacheVersions
   * migration). So every column is exact but `logins_count`, `last_login` and `last_ip`, which may lag
   * (forTokens). Misses are not kept, so a user created later is read at once.
   */
  private readonly kept: TenantCache<KeptUser>;
  private readonly keptSql: string;
  private readonly userOf: RowMapper<UserEntity>;

  constructor(
    @InjectRepository(UserEntity) private readonly repo: Repository<UserEntity>,
    private readonly db: DbService,
    private readonly hasher: PasswordHasher,
    private readonly secrets: SecretsService,
    private readonly connections: ConnectionsService,
    caches: CacheRegistry,
  ) {
    this.kept = caches.create(
      'users',
      [versionedTable('users')],
      (tenantId, userId) => this.readKept(tenantId, userId),
      0,
      USERS_KEPT_PER_TENANT,
    );
    // Hashes stay in the database: nothing served from memory needs them.
    const columns = db.dataSource
      .getMetadata(UserEntity)
      .columns.filter((c) => !['passwordHash', 'passwordHistory'].includes(c.propertyName));
    this.keptSql = `SELECT ${columns.map((c) => c.databaseName).join(', ')} FROM users WHERE tenant_id = ? AND user_id = ?`;
    this.userOf = rowMapper(db.dataSource, UserEntity);
  }

  onModuleInit(): void {
    // Auth0 deletes a connection's users with it.
    this.connections.onDelete(async (em, tenantId, connection) => {
      const users = await em.find(UserEntity, { where: { tenantId, connection: connection.name }, select: { userId: true } });
      for (const u of users) {
        await em.delete(UserEntity, { tenantId, userId: u.userId });
        for (const listener of this.deleteListeners) {
          await listener(em, tenantId, u.userId);
        }
      }
      // Inside the connection's transaction: a read racing the commit is bounded by the cache check.
      this.kept.invalidate(tenantId);
    });
  }

  async create(tenant: TenantContext, dto: CreateUserDto): Promise<UserResponse> {
    const connection = await this.databaseConnection(tenant.id, dto.connection);
    assertSupportedFields(dto, connection.name, connection.options);
    const username = usernameFor(dto.username, connection.name, connection.options, true);
    if (dto.email === undefined) {
      throw ManagementError.badRequest("Payload validation error: 'Missing required property: email'.");
    }
    if (dto.password === undefined) {
      throw ManagementError.badRequest("Payload validation error: 'Missing required property: password'.");
    }
    assertMetadata('user_metadata', dto.user_metadata);
    assertMetadata('app_metadata', dto.app_metadata);
    assertPasswordPolicy(dto.password, connection.options, { ...dto, email: dto.email });

    const now = new Date().toISOString();
    const email = dto.email.toLowerCase();
    const e = new UserEntity();
    e.userId = `${DATABASE_PROVIDER}|${dto.user_id ?? this.secrets.newId()}`;
    e.tenantId = tenant.id;
    e.connection = connection.name;
    e.email = email;
    e.username = username;
    e.emailVerified = dto.email_verified ?? false;
    e.name = dto.name ?? email;
    e.nickname = dto.nickname ?? defaultNickname(email);
    e.givenName = dto.given_name ?? null;
    e.familyName = dto.family_name ?? null;
    e.picture = dto.picture ?? defaultPicture(email, e.name);
    e.userMetadata = dropNulls(dto.user_metadata ?? {});
    e.appMetadata = dropNulls(dto.app_metadata ?? {});
    e.blocked = dto.blocked ?? false;
    e.passwordHash = await this.hasher.hash(dto.password);
    startHistory(e, now);
    e.updatedAt = now;

    await this.db
      .write(async (em) => {
        if (
          (await em.exists(UserEntity, { where: { tenantId: tenant.id, connection: e.connection, email } })) ||
          (username !== null && (await em.exists(UserEntity, { where: { tenantId: tenant.id, connection: e.connection, username } }))) ||
          (await em.exists(UserEntity, { where: { tenantId: tenant.id, userId: e.userId } }))
        ) {
          throw userExists();
        }
        await em.save(UserEntity, e, { transaction: false, reload: false });
      })
      .catch((err: unknown) => {
        // Another process created the same user between the check and the insert.
        throw isUniqueViolation(err) ? userExists() : err;
      });
    this.kept.invalidate(tenant.id, e.userId);
    // Auth0: a verification mail unless `verify_email: false`, or the address is already verified.
    if (dto.verify_email ?? !e.emailVerified) {
      this.verificationListeners.forEach((listener) => listener(tenant, e));
    }
    return toUserResponse(e);
  }

  /** Lets the mail module send verification mails (creation, a new address); never delays or fails the change. */
  onVerificationWanted(listener: VerificationListener): void {
    this.verificationListeners.push(listener);
  }

  /** Lets sessions and refresh tokens end, in the same transaction, when a password is reset. */
  onCredentialsReset(listener: CredentialsResetListener): void {
    this.resetListeners.push(listener);
  }

  /**
   * A password reset (a reset link or ticket): the connection's policy and history apply; the user's
   * sessions and refresh tokens end. Returns why the password was refused, or undefined when it was set.
   */
  async resetPassword(tenantId: string, userId: string, password: string, markEmailVerified: boolean): Promise<string | undefined> {
    const checked = await this.checkNewPassword(tenantId, userId, password);
    if ('problem' in checked) {
      return checked.problem;
    }
    const history = checked.history;
    const hash = await this.hasher.hash(password);
    await this.db.write(async (em) => {
      const now = new Date().toISOString();
      const update: {
        passwordHash: string;
        passwordHistory: string[] | null;
        lastPasswordReset: string;
        updatedAt: string;
        emailVerified?: boolean;
      } = { passwordHash: hash, passwordHistory: history, lastPasswordReset: now, updatedAt: now };
      if (markEmailVerified) {
        update.emailVerified = true;
      }
      await em.update(UserEntity, { tenantId, userId }, update);
      for (const listener of this.resetListeners) {
        await listener(em, tenantId, userId);
      }
    });
    this.kept.invalidate(tenantId, userId);
    return undefined;
  }

  /** Whether `password` may become the user's password (policy and history), without setting it. */
  async newPasswordProblem(tenantId: string, userId: string, password: string): Promise<string | undefined> {
    const checked = await this.checkNewPassword(tenantId, userId, password);
    return 'problem' in checked ? checked.problem : undefined;
  }

  private async checkNewPassword(
    tenantId: string,
    userId: string,
    password: string,
  ): Promise<{ problem: string } | { history: string[] | null }> {
    const user = await this.repo.findOne({ where: { tenantId, userId } });
    if (!user) {
      return { problem: 'The user no longer exists.' };
    }
    const connection = await this.connections.findByName(tenantId, user.connection);
    const options = (connection?.options ?? {}) as DatabaseConnectionOptions;
    const violation = passwordPolicyViolation(password, options, personalInfoOf(user));
    if (violation) {
      return { problem: violation };
    }
    const history = await this.nextPasswordHistory(user, password, options);
    if (history === 'reused') {
      return { problem: 'Password has previously been used: choose a password you have not used recently' };
    }
    return { history };
  }

  /** Sets `email_verified: true` (a verification link or ticket was used). */
  async markEmailVerified(tenantId: string, userId: string): Promise<boolean> {
    const result = await this.db.write((em) =>
      em.update(UserEntity, { tenantId, userId }, { emailVerified: true, updatedAt: new Date().toISOString() }),
    );
    this.kept.invalidate(tenantId, userId);
    return (result.affected ?? 0) > 0;
  }

  /** The user of a connection with this e-mail address, if any. */
  async findByEmail(tenantId: string, connection: string, email: string): Promise<UserEntity | undefined> {
    if (email.length > 320) {
      return undefined;
    }
    return (await this.repo.findOne({ where: { tenantId, connection, email: email.trim().toLowerCase() } })) ?? undefined;
  }

  /** The user of a connection with this username (connections with `requires_username`), if any. */
  async findByUsername(tenantId: string, connection: string, username: string): Promise<UserEntity | undefined> {
    if (username.length > 128 || username.includes('@')) {
      return undefined;
    }
    return (await this.repo.findOne({ where: { tenantId, connection, username: username.trim().toLowerCase() } })) ?? undefined;
  }

  /**
   * The history to store with a new password: the current hash first, trimmed to the connection's
   * `password_history.size`; 'reused' when the new password matches one of them.
   */
  private async nextPasswordHistory(
    user: UserEntity,
    password: string,
    options: DatabaseConnectionOptions,
  ): Promise<string[] | null | 'reused'> {
    const size = passwordHistorySize(options);
    if (size === 0) {
      return null;
    }
    const previous = [user.passwordHash, ...(user.passwordHistory ?? [])].filter((h): h is string => !!h).slice(0, size);
    for (const hash of previous) {
      if (await this.hasher.verify(password, hash)) {
        return 'reused';
      }
    }
    return previous;
  }

  /** The database connection named `name`, or Auth0's 400 for an unknown one. */
  private async databaseConnection(tenantId: string, name: string): Promise<{ name: string; options: DatabaseConnectionOptions }> {
    const connection: ConnectionEntity | undefined = await this.connections.findByName(tenantId, name);
    if (!connection || connection.strategy !== 'auth0') {
      throw ManagementError.badRequest('The connection does not exist.', 'inexistent_connection');
    }
    return { name: connection.name, options: connection.options as DatabaseConnectionOptions };
  }

  async get(tenant: TenantContext, userId: string, q: ListQuery): Promise<Partial<UserResponse>> {
    const e = await this.repo.findOne({ where: { tenantId: tenant.id, userId } });
    if (!e) {
      throw notFound();
    }
    return projectFields(toUserResponse(e), q);
  }

  async list(tenant: TenantContext, q: ListQuery): Promise<unknown> {
    const engine = q.filters.search_engine;
    if (engine !== undefined && engine !== 'v3') {
      throw badQuery(
        engine === 'v1' || engine === 'v2'
          ? `search_engine=${String(engine)} is not supported; use search_engine=v3.`
          : `'search_engine' must be one of v1, v2, v3.`,
      );
    }
    const sort = parseSort(q.filters.sort);
    const start = q.page * q.perPage;
    if (q.paged && start + q.perPage > MAX_PAGED_RESULTS) {
      throw badQuery(`you can only page through the first ${MAX_PAGED_RESULTS} users; narrow the search with q.`);
    }

    let node;
    if (typeof q.filters.q === 'string' && q.filters.q.trim() !== '') {
      node = parseUserQuery(q.filters.q); // a UserSearchError is a 400 invalid_query_string
    }
    const dialect = this.db.dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
    const qb = this.repo.createQueryBuilder('u').where('u.tenant_id = :tenantId', { tenantId: tenant.id });
    if (typeof q.filters.connection === 'string') {
      qb.andWhere('u.connection = :connection', { connection: q.filters.connection });
    }
    if (node) {
      const compiled = compileUserQuery(node, dialect);
      qb.andWhere(compiled.sql, compiled.params);
    }
    const narrowed = node !== undefined || typeof q.filters.connection === 'string';
    const total = !q.includeTotals ? 0 : narrowed ? await qb.clone().getCount() : await this.countOf(tenant.id);
    const limit = q.paged ? q.perPage : DEFAULT_PER_PAGE;
    for (const [expression, order, nulls] of userOrderBy(sort.field, sort.dir, dialect)) {
      qb.addOrderBy(expression, order, nulls);
    }
    qb.offset(start).limit(limit);
    const users = (await qb.getMany()).map((e) => projectFields(toUserResponse(e), q));
    if (!q.includeTotals) {
      return users;
    }
    return { start, limit, length: users.length, total, users };
  }

  /**
   * The tenant's number of users, one row kept exact by the users triggers (TenantUserCounts1732402800000)
   * where a COUNT would read every user of the tenant. No row: the tenant never had a user.
   */
  private async countOf(tenantId: string): Promise<number> {
    const row = await this.repo.manager
      .createQueryBuilder()
      .select('c.users', 'users')
      .from('tenant_user_counts', 'c')
      .where('c.tenant_id = :tenantId', { tenantId })
      .getRawOne<{ users: number | string }>();
    return row ? Number(row.users) : 0;
  }

  async listByEmail(tenant: TenantContext, email: string | undefined, q: ListQuery): Promise<Partial<UserResponse>[]> {
    if (email === undefined || email === '') {
      throw badQuery("'Missing required property: email'.");
    }
    const rows = await this.repo.find({ where: { tenantId: tenant.id, email: email.toLowerCase() }, order: { createdAt: 'ASC' } });
    return rows.map((r) => projectFields(toUserResponse(r), q));
  }

  async update(tenant: TenantContext, userId: string, dto: UpdateUserDto): Promise<UserResponse> {
    if (Object.keys(dto).length === 0) {
      throw ManagementError.badRequest("Payload validation error: 'Too few properties defined (0), minimum 1'.");
    }
    const current = await this.repo.findOne({ where: { tenantId: tenant.id, userId } });
    if (!current) {
      throw notFound();
    }
    if (dto.connection !== undefined && dto.connection !== current.connection) {
      await this.databaseConnection(tenant.id, dto.connection);
      throw ManagementError.badRequest('Moving a user to another connection is not supported', 'operation_not_supported');
    }
    const { options: currentOptions } = await this.databaseConnection(tenant.id, current.connection);
    assertSupportedFields(dto, current.connection, currentOptions);
    const username = dto.username === undefined ? undefined : usernameFor(dto.username, current.connection, currentOptions, true);
    if (dto.password !== undefined && dto.email !== undefined) {
      throw ManagementError.badRequest('Cannot update password and email simultaneously', 'operation_not_supported');
    }
    assertMetadata('user_metadata', dto.user_metadata);
    assertMetadata('app_metadata', dto.app_metadata);
    let passwordHash: string | undefined;
    let passwordHistory: string[] | null | undefined;
    if (dto.password !== undefined) {
      assertPasswordPolicy(dto.password, currentOptions, personalInfoOf(current));
      const history = await this.nextPasswordHistory(current, dto.password, currentOptions);
      if (history === 'reused') {
        throw ManagementError.badRequest('PasswordHistoryError: Password has previously been used', 'invalid_password');
      }
      passwordHistory = history;
      passwordHash = await this.hasher.hash(dto.password);
    }

    const saved = await this.db
      .write(async (em) => {
        const e = await em.findOne(UserEntity, { where: { tenantId: tenant.id, userId } });
        if (!e) {
          throw notFound();
        }
        const now = new Date().toISOString();
        if (username !== undefined && username !== e.username) {
          if (username !== null && (await em.exists(UserEntity, { where: { tenantId: tenant.id, connection: e.connection, username } }))) {
            throw userExists();
          }
          e.username = username;
        }
        if (dto.email !== undefined) {
          const email = dto.email.toLowerCase();
          if (email !== e.email) {
            if (await em.exists(UserEntity, { where: { tenantId: tenant.id, connection: e.connection, email } })) {
              throw userExists();
            }
            e.email = email;
            // A new address is unverified unless the caller says otherwise, as in Auth0.
            e.emailVerified = dto.email_verified ?? false;
          }
        }
        if (dto.email_verified !== undefined) {
          e.emailVerified = dto.email_verified;
        }
        if (dto.name !== undefined) {
          e.name = dto.name ?? e.email;
        }
        if (dto.nickname !== undefined) {
          e.nickname = dto.nickname ?? defaultNickname(e.email);
        }
        if (dto.given_name !== undefined) {
          e.givenName = dto.given_name;
        }
        if (dto.family_name !== undefined) {
          e.familyName = dto.family_name;
        }
        if (dto.picture !== undefined) {
          e.picture = dto.picture ?? defaultPicture(e.email, e.name);
        }
        if (dto.blocked !== undefined) {
          e.blocked = dto.blocked;
        }
        if (dto.user_metadata !== undefined) {
          e.userMetadata = mergeMetadata(e.userMetadata, dto.user_metadata);
        }
        if (dto.app_metadata !== undefined) {
          e.appMetadata = mergeMetadata(e.appMetadata, dto.app_metadata);
        }
        if (passwordHash !== undefined) {
          e.passwordHash = passwordHash;
          e.passwordHistory = passwordHistory ?? null;
          e.lastPasswordReset = now;
        }
        e.updatedAt = now;
        await em.save(UserEntity, e, { transaction: false, reload: false });
        return e;
      })
      .catch((err: unknown) => {
        throw isUniqueViolation(err) ? userExists() : err;
      });
    this.kept.invalidate(tenant.id, userId);
    // A new address with `verify_email: true` gets a verification mail, as in Auth0.
    if (dto.verify_email === true && dto.email !== undefined && !saved.emailVerified) {
      this.verificationListeners.forEach((listener) => listener(tenant, saved));
    }
    return toUserResponse(saved);
  }

  /** Auth0 answers 204 whether or not the user existed. Sessions and refresh tokens go with the user. */
  async delete(tenant: TenantContext, userId: string): Promise<void> {
    await this.db.write(async (em) => {
      const found = await em.exists(UserEntity, { where: { tenantId: tenant.id, userId } });
      if (!found) {
        return;
      }
      await em.delete(UserEntity, { tenantId: tenant.id, userId });
      for (const listener of this.deleteListeners) {
        await listener(em, tenant.id, userId);
      }
    });
    this.kept.invalidate(tenant.id, userId);
  }

  /** Lets modules that keep rows for a user (sessions, refresh tokens) remove them in the same transaction. */
  onDelete(listener: (em: EntityManager, tenantId: string, userId: string) => Promise<void>): void {
    this.deleteListeners.push(listener);
  }

  /**
   * Checks a username (the email) and password on the tenant's database connection. Unknown users cost
   * the same time as wrong passwords, and "blocked" is only told to someone who knew the password.
   */
  async checkCredentials(tenantId: string, connection: string, username: string, password: string): Promise<CredentialsCheck> {
    // With `requires_username`, people log in with their username or their e-mail address.
    const login = username.trim().toLowerCase();
    const user =
      username.length <= 320 && password.length <= 1024
        ? ((await this.repo.findOne({ where: { tenantId, connection, email: login } })) ??
          (login.includes('@') ? null : await this.repo.findOne({ where: { tenantId, connection, username: login } })))
        : null;
    if (!user?.passwordHash) {
      await this.hasher.burn(password);
      return { failure: 'unknown_user' };
    }
    if (!(await this.hasher.verify(password, user.passwordHash))) {
      return { failure: 'wrong_password' };
    }
    if (user.blocked) {
      return { failure: 'blocked' };
    }
    if (!this.hasher.isOwn(user.passwordHash)) {
      await this.upgradeImportedHash(user, user.passwordHash, password);
    }
    return { user };
  }

  /**
   * The first successful login with an imported hash (bcrypt, argon2, ...) replaces it with Tessera's own;
   * only if the hash is still the one checked, so a password set meanwhile is never overwritten.
   */
  private async upgradeImportedHash(user: UserEntity, checked: string, password: string): Promise<void> {
    const own = await this.hasher.hash(password);
    const result = await this.db.write((em) =>
      em.update(UserEntity, { tenantId: user.tenantId, userId: user.userId, passwordHash: checked }, { passwordHash: own }),
    );
    if ((result.affected ?? 0) > 0) {
      user.passwordHash = own;
    }
  }

  /**
   * Writes one batch of an import file's rows (already checked by readImportRow) in the caller's
   * transaction, on the database connection `connection`. A row whose user exists (same e-mail, username or
   * user_id) updates it with `upsert` and fails as DUPLICATED_USER without; rows later in the batch see the
   * earlier ones. Returns one outcome per row, in order.
   */
  async importIn(
    em: EntityManager,
    tenantId: string,
    connection: { name: string; options: DatabaseConnectionOptions },
    rows: ImportUser[],
    upsert: boolean,
  ): Promise<ImportOutcome[]> {
    const conn = connection.name;
    const ids = rows.flatMap((r) => (r.id ? [`${DATABASE_PROVIDER}|${r.id}`] : []));
    const usernames = rows.flatMap((r) => (r.username ? [r.username.toLowerCase()] : []));
    const existing = await em.find(UserEntity, {
      where: [
        { tenantId, connection: conn, email: In(rows.map((r) => r.email)) },
        ...(ids.length > 0 ? [{ tenantId, userId: In(ids) }] : []),
        ...(usernames.length > 0 ? [{ tenantId, connection: conn, username: In(usernames) }] : []),
      ],
    });
    const byEmail = new Map<string, UserEntity>();
    const byId = new Map<string, UserEntity>();
    const byUsername = new Map<string, UserEntity>();
    const index = (u: UserEntity) => {
      byId.set(u.userId, u);
      if (u.connection === conn) {
        byEmail.set(u.email, u);
        if (u.username) {
          byUsername.set(u.username, u);
        }
      }
    };
    existing.forEach(index);

    const inserts = new Map<string, UserEntity>();
    const updates = new Map<string, UserEntity>();
    const now = new Date().toISOString();
    const outcomes: ImportOutcome[] = [];
    for (const row of rows) {
      let username: string | null;
      try {
        username = usernameFor(row.username, conn, connection.options, true);
        assertMetadata('user_metadata', row.userMetadata);
        assertMetadata('app_metadata', row.appMetadata);
      } catch (e) {
        if (!(e instanceof ManagementError)) {
          throw e;
        }
        outcomes.push([{ code: 'INVALID_FORMAT', message: e.message.replace(/^Payload validation error: /, '') }]);
        continue;
      }
      const userId = row.id ? `${DATABASE_PROVIDER}|${row.id}` : undefined;
      const matches = new Set(
        [byEmail.get(row.email), userId ? byId.get(userId) : undefined, username ? byUsername.get(username) : undefined].filter(
          (u): u is UserEntity => u !== undefined,
        ),
      );
      const [match] = matches;
      if (match && (!upsert || matches.size > 1 || match.connection !== conn)) {
        outcomes.push([
          {
            code: 'DUPLICATED_USER',
            message: upsert ? 'The user conflicts with more than one existing user' : 'The user already exists and upsert is false',
          },
        ]);
        continue;
      }
      const e = match ?? new UserEntity();
      if (!match) {
        e.tenantId = tenantId;
        e.userId = userId ?? `${DATABASE_PROVIDER}|${this.secrets.newId()}`;
        e.connection = conn;
        e.emailVerified = false;
        e.givenName = null;
        e.familyName = null;
        e.userMetadata = {};
        e.appMetadata = {};
        e.blocked = false;
        e.passwordHash = null;
        startHistory(e, now);
      }
      if (byEmail.get(e.email) === e) {
        byEmail.delete(e.email);
      }
      e.email = row.email;
      e.username = username ?? (match ? e.username : null);
      e.emailVerified = row.emailVerified ?? e.emailVerified;
      e.givenName = row.givenName ?? e.givenName;
      e.familyName = row.familyName ?? e.familyName;
      e.name = row.name ?? (match ? e.name : row.email);
      e.nickname = row.nickname ?? (match ? e.nickname : defaultNickname(row.email));
      e.picture = row.picture ?? (match ? e.picture : defaultPicture(row.email, e.name));
      e.userMetadata = row.userMetadata ? dropNulls(row.userMetadata) : e.userMetadata;
      e.appMetadata = row.appMetadata ? dropNulls(row.appMetadata) : e.appMetadata;
      e.blocked = row.blocked ?? e.blocked;
      e.passwordHash = row.hash ? this.hasher.importedForm(row.hash) : e.passwordHash;
      e.updatedAt = now;
      index(e);
      // A user inserted earlier in this batch is written once, by the INSERT, with its latest fields.
      (inserts.has(e.userId) || !match ? inserts : updates).set(e.userId, e);
      outcomes.push(match ? 'updated' : 'inserted');
    }
    const fresh = [...inserts.values()];
    for (let i = 0; i < fresh.length; i += INSERT_CHUNK) {
      await em.insert(UserEntity, fresh.slice(i, i + INSERT_CHUNK) as QueryDeepPartialEntity<UserEntity>[]);
    }
    for (const u of updates.values()) {
      await em.save(UserEntity, u, { transaction: false, reload: false });
      // Inside the caller's transaction, as on a connection's delete: a read racing the commit is bounded
      // by the cache check (the users trigger moves the version for other processes).
      this.kept.invalidate(tenantId, u.userId);
    }
    return outcomes;
  }

  /**
   * A page of users in user_id order, after `after`, as the Management API shows them (no hash): of one
   * connection, or of them all.
   */
  async exportPage(tenantId: string, connection: string | undefined, after: string, take: number): Promise<UserResponse[]> {
    const page = await this.repo.find({
      where: { tenantId, ...(connection === undefined ? {} : { connection }), userId: MoreThan(after) },
      order: { userId: 'ASC' },
      take,
    });
    return page.map(toUserResponse);
  }

  /**
   * Counts a successful login (`logins_count`, `last_login`, `last_ip`). No cached profile holds these
   * columns, so nothing is dropped here or, through the cache version, in other processes.
   */
  async recordLogin(tenantId: string, userId: string, ip: string | undefined): Promise<void> {
    await this.db.write(async (em) => {
      const e = await em.findOne(UserEntity, { where: { tenantId, userId } });
      if (!e) {
        return;
      }
      e.loginsCount += 1;
      e.lastLogin = new Date().toISOString();
      e.lastIp = ip ? ip.slice(0, 64) : null;
      await em.save(UserEntity, e, { transaction: false, reload: false });
    });
  }

  /** The user behind a session or token, or undefined when deleted. */
  async find(tenantId: string, userId: string): Promise<UserEntity | undefined> {
    return (await this.repo.findOne({ where: { tenantId, userId } })) ?? undefined;
  }

  /** The profile /userinfo answers, from memory when warm; undefined when the user does not exist. */
  async profile(tenantId: string, userId: string): Promise<UserProfile | undefined> {
    return (await this.kept.get(tenantId, userId))?.profile;
  }

  /** `profile` from memory only: the profile, null when there is no such user, undefined when not held. */
  cachedProfile(tenantId: string, userId: string): UserProfile | null | undefined {
    const kept = this.kept.peek(tenantId, userId);
    return kept ? kept.profile : kept;
  }

  /**
   * The user behind a refresh token or an authorization code, from memory when warm (without its password
   * hash). Exact but for the login counters, which may lag behind a login served by another process:
   * whoever shows them (a post-login action's event) reads the user with find().
   */
  async forTokens(tenantId: string, userId: string): Promise<Readonly<UserEntity> | undefined> {
    return (await this.kept.get(tenantId, userId))?.user;
  }

  private async readKept(tenantId: string, userId: string): Promise<KeptUser | null> {
    const [row] = await this.db.select<Record<string, unknown>>(this.keptSql, [tenantId, userId]);
    if (!row) {
      return null;
    }
    const user = Object.freeze(this.userOf(row));
    return { user, profile: Object.freeze({ userId: user.userId, blocked: user.blocked, claims: Object.freeze(toOidcProfile(user)) }) };
  }
}

function assertSupportedFields(
  dto: { phone_number?: string; phone_verified?: boolean; username?: string | null },
  connection: string,
  options: DatabaseConnectionOptions,
): void {
  if (dto.username !== undefined && dto.username !== null && options.requires_username !== true) {
    throw ManagementError.badRequest(`Cannot set username for connection without requires_username (${connection})`);
  }
  if (dto.phone_number !== undefined || dto.phone_verified !== undefined) {
    throw ManagementError.badRequest(`phone_number and phone_verified are not supported on the database connection ${connection}`);
  }
}

/** Auth0's username characters; its default length is 1 to 15 (the connection's `validation.username`). */
const USERNAME = /^[A-Za-z0-9_+\-.!#$'^`~]+$/;

/**
 * The username to store: required on a connection with `requires_username` (when `required`), refused
 * elsewhere (assertSupportedFields), lower-cased, within the connection's length bounds.
 */
function usernameFor(
  username: string | null | undefined,
  connection: string,
  options: DatabaseConnectionOptions,
  required: boolean,
): string | null {
  if (options.requires_username !== true) {
    return null;
  }
  if (username === undefined || username === null || username === '') {
    if (required) {
      throw ManagementError.badRequest(
        `Payload validation error: 'Missing required property: username' (the connection ${connection} requires one).`,
      );
    }
    return null;
  }
  const bounds = (options.validation as { username?: { min?: number; max?: number } } | undefined)?.username;
  const min = bounds?.min ?? 1;
  const max = Math.min(bounds?.max ?? 15, 128);
  if (username.length < min || username.length > max || !USERNAME.test(username)) {
    throw ManagementError.badRequest(
      `Payload validation error: username must be ${min} to ${max} letters, digits or _+-.!#$'^\`~ (not an e-mail address).`,
      'invalid_body',
    );
  }
  return username.toLowerCase();
}

function personalInfoOf(u: UserEntity): PersonalInfo {
  return {
    email: u.email,
    username: u.username,
    name: u.name,
    nickname: u.nickname,
    given_name: u.givenName,
    family_name: u.familyName,
    user_metadata: u.userMetadata,
  };
}

function assertPasswordPolicy(password: string, options: DatabaseConnectionOptions, who: PersonalInfo): void {
  const violation = passwordPolicyViolation(password, options, who);
  if (violation) {
    throw ManagementError.badRequest(`PasswordStrengthError: ${violation}`, 'invalid_password');
  }
}

/** Auth0 refuses metadata keys with dots or a leading `$` (they would clash with its search syntax). */
function assertMetadata(field: string, value: Record<string, unknown> | undefined, path = field): void {
  if (value === undefined || value === null) {
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    if (key.includes('.') || key.startsWith('$') || key === '') {
      throw ManagementError.badRequest(
        `Payload validation error: '${path}' keys must not be empty, contain "." or start with "$" (got "${key}").`,
      );
    }
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      assertMetadata(field, v as Record<string, unknown>, `${path}.${key}`);
    }
  }
}

/** PATCH merges metadata at the top level: `null` removes a key, and `{}` clears everything. */
function mergeMetadata(current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  if (Object.keys(patch).length === 0) {
    return {};
  }
  return dropNulls({ ...current, ...patch });
}

/** A new user's history: created now, no login and no password change yet. */
function startHistory(e: UserEntity, now: string): void {
  e.passwordHistory = null;
  e.lastPasswordReset = null;
  e.lastLogin = null;
  e.lastIp = null;
  e.loginsCount = 0;
  e.createdAt = now;
}

function dropNulls(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null));
}

function defaultNickname(email: string): string {
  return email.split('@')[0] || email;
}

/** Auth0's default picture: the Gravatar of the email, falling back to an avatar of the initials. */
function defaultPicture(email: string, name: string): string {
  const initials = (name.replace(/[^A-Za-z]/g, '').slice(0, 2) || 'u').toLowerCase();
  const fallback = encodeURIComponent(`https://cdn.auth0.com/avatars/${initials}.png`);
  return `https://s.gravatar.com/avatar/${gravatarHash(email)}?s=480&r=pg&d=${fallback}`;
}

function parseSort(raw: string | string[] | undefined): { field: string; dir: 1 | -1 } {
  if (raw === undefined) {
    return { field: 'created_at', dir: 1 };
  }
  const m = typeof raw === 'string' ? /^([a-z_]+):(1|-1)$/.exec(raw) : null;
  if (!m || !(SORTABLE as readonly string[]).includes(m[1])) {
    throw badQuery(`'sort' must be <field>:1 or <field>:-1 with field one of ${SORTABLE.join(', ')}.`);
  }
  return { field: m[1], dir: m[2] === '1' ? 1 : -1 };
}
