import { ManagementError, type ManagementClient } from 'auth0';
import { decodeJwt } from 'jose';
import { DataSource } from 'typeorm';
import { ResourceServerEntity } from '../../src/apis/resource-server.entity.js';
import { ClientGrantEntity } from '../../src/client-grants/client-grant.entity.js';
import { Roles1732401600000 } from '../../src/database/migrations/1732401600000-roles.js';
import { snapshotDatabase } from '../helpers/db-snapshot.js';
import { expectManagementError } from '../helpers/expect-error.js';
import { managementClient } from '../helpers/management-client.js';
import { ADMIN_CLIENT_ID, http, startTestApp, type TestApp } from '../helpers/test-app.js';
import { createUser, type TestUser } from '../helpers/user-flows.js';

const API = 'https://rbac-admin.api.example';
const OTHER = 'https://rbac-admin-other.api.example';

describe('RBAC Management API: roles, role permissions and users, users’ roles and permissions', () => {
  let t: TestApp;
  let token: string;
  let mgmt: ManagementClient;
  let ann: TestUser;
  let bob: TestUser;

  const api = (method: string, path: string, body?: unknown) => http(t.baseUrl, method, `/api/v2/${path}`, { token, body });
  const enc = encodeURIComponent;
  const perm = (permission_name: string, resource_server_identifier = API) => ({ resource_server_identifier, permission_name });

  beforeAll(async () => {
    t = await startTestApp();
    token = await t.adminToken();
    mgmt = managementClient(t.baseUrl, token);
    await mgmt.resourceServers.create({
      identifier: API,
      name: 'Orders',
      scopes: [{ value: 'read:orders', description: 'Read orders' }, { value: 'write:orders' }, { value: 'delete:orders' }],
    });
    await mgmt.resourceServers.create({ identifier: OTHER, name: 'Other', scopes: [{ value: 'read:other' }] });
    ann = await createUser(mgmt, 'ann@rbac.example', { name: 'Ann' });
    bob = await createUser(mgmt, 'bob@rbac.example', { name: 'Bob' });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  describe('/roles', () => {
    it('creates, reads, updates and deletes a role with the SDK', async () => {
      const role = await mgmt.roles.create({ name: 'Editor', description: 'Edits things' });
      expect(role).toEqual({ id: expect.stringMatching(/^rol_[A-Za-z0-9]{16}$/), name: 'Editor', description: 'Edits things' });
      expect(await mgmt.roles.get(role.id!)).toEqual(role);
      expect(await mgmt.roles.update(role.id!, { description: 'Edits more' })).toEqual({ ...role, description: 'Edits more' });
      expect(await mgmt.roles.update(role.id!, { name: 'Chief Editor' })).toEqual({
        ...role,
        name: 'Chief Editor',
        description: 'Edits more',
      });
      await mgmt.roles.delete(role.id!);
      await expect(mgmt.roles.get(role.id!)).rejects.toBeInstanceOf(ManagementError);
    });

    it('answers Auth0’s status codes: 200 on create and delete, and a role without a description has none', async () => {
      const created = await api('POST', 'roles', { name: 'Plain' });
      expect({ status: created.status, body: created.body }).toEqual({ status: 200, body: { id: expect.any(String), name: 'Plain' } });
      const deleted = await api('DELETE', `roles/${created.body.id}`);
      expect(deleted.status).toBe(200);
    });

    it('refuses a duplicate name with 409 (create and rename), changing nothing', async () => {
      const a = await mgmt.roles.create({ name: 'Dup A' });
      await mgmt.roles.create({ name: 'Dup B' });
      const before = await snapshotDatabase(t.app);
      expectManagementError(await api('POST', 'roles', { name: 'Dup A' }), 409, 'conflict', 'A role with the name "Dup A" already exists.');
      expectManagementError(await api('PATCH', `roles/${a.id}`, { name: 'Dup B' }), 409, 'conflict');
      expect(await snapshotDatabase(t.app)).toBe(before);
      // Renaming a role to its own name is not a conflict.
      expect((await api('PATCH', `roles/${a.id}`, { name: 'Dup A' })).status).toBe(200);
    });

    it('validates bodies as Auth0 does', async () => {
      expectManagementError(
        await api('POST', 'roles', {}),
        400,
        'invalid_body',
        "Payload validation error: 'Missing required property: name' on property name.",
      );
      expectManagementError(await api('POST', 'roles', { name: '' }), 400, 'invalid_body', /too short/);
      expectManagementError(
        await api('POST', 'roles', { name: 'X', color: 'red' }),
        400,
        'invalid_body',
        /Additional properties not allowed: color/,
      );
      const r = await mgmt.roles.create({ name: 'Validated' });
      expectManagementError(await api('PATCH', `roles/${r.id}`, {}), 400, 'invalid_body', /Too few properties/);
    });

    it('answers 404 for an unknown role on every path', async () => {
      for (const [method, path, body] of [
        ['GET', 'roles/rol_nope'],
        ['PATCH', 'roles/rol_nope', { name: 'x' }],
        ['DELETE', 'roles/rol_nope'],
        ['GET', 'roles/rol_nope/permissions'],
        ['POST', 'roles/rol_nope/permissions', { permissions: [perm('read:orders')] }],
        ['DELETE', 'roles/rol_nope/permissions', { permissions: [perm('read:orders')] }],
        ['GET', 'roles/rol_nope/users'],
        ['POST', 'roles/rol_nope/users', { users: [ann.userId] }],
      ] as [string, string, unknown?][]) {
        expectManagementError(await api(method, path, body), 404, 'inexistent_role', 'The role does not exist.');
      }
    });

    it('lists roles by name, as an array or with totals, paged, filtered by name_filter; the SDK pages through them', async () => {
      for (const name of ['Page 3', 'Page 1', 'Page 2']) {
        await mgmt.roles.create({ name });
      }
      const all = (await api('GET', 'roles')).body as { name: string }[];
      expect(all.map((r) => r.name)).toEqual([...all.map((r) => r.name)].sort());
      expect(all.map((r) => r.name)).toContain('Tessera Admin');
      const filtered = await api('GET', 'roles?name_filter=PAGE&include_totals=true&per_page=2&page=1');
      expect(filtered.body).toEqual({ roles: [{ id: expect.any(String), name: 'Page 3' }], start: 2, limit: 2, total: 3 });
      expect(((await api('GET', 'roles?name_filter=%25')).body as unknown[]).length).toBe(0);
      expectManagementError(await api('GET', 'roles?from=1'), 400, 'invalid_query_string');

      const seen: string[] = [];
      let page = await mgmt.roles.list({ per_page: 2, name_filter: 'page' });
      for (;;) {
        seen.push(...page.data.map((r) => r.name!));
        if (!page.hasNextPage()) {
          break;
        }
        page = await page.getNextPage();
      }
      expect(seen).toEqual(['Page 1', 'Page 2', 'Page 3']);
    });

    it('needs the roles scopes', async () => {
      expectManagementError(await http(t.baseUrl, 'GET', '/api/v2/roles'), 401, 'missing_authentication');
      const c = await mgmt.clients.create({ name: 'Reader', app_type: 'non_interactive' });
      await mgmt.clientGrants.create({ client_id: c.client_id!, audience: t.managementAudience, scope: ['read:users'] });
      const res = await fetch(`${t.baseUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: c.client_id,
          client_secret: c.client_secret,
          audience: t.managementAudience,
        }),
      });
      const reader = ((await res.json()) as { access_token: string }).access_token;
      expectManagementError(
        await http(t.baseUrl, 'POST', '/api/v2/roles', { token: reader, body: { name: 'Nope' } }),
        403,
        'insufficient_scope',
        /create:roles/,
      );
      expect((await http(t.baseUrl, 'GET', `/api/v2/users/${enc(ann.userId)}/permissions`, { token: reader })).status).toBe(200);
    });
  });

  describe('/roles/{id}/permissions', () => {
    it('adds, lists and removes permissions with the SDK', async () => {
      const role = await mgmt.roles.create({ name: 'Orders Reader' });
      await mgmt.roles.permissions.add(role.id!, { permissions: [perm('read:orders'), perm('write:orders'), perm('read:other', OTHER)] });
      // Adding again is idempotent.
      const again = await api('POST', `roles/${role.id}/permissions`, { permissions: [perm('read:orders')] });
      expect(again.status).toBe(201);
      const listed = await mgmt.roles.permissions.list(role.id!);
      expect(listed.data).toEqual(
        [
          { permission_name: 'read:orders', description: 'Read orders', resource_server_name: 'Orders', resource_server_identifier: API },
          { permission_name: 'write:orders', resource_server_name: 'Orders', resource_server_identifier: API },
          { permission_name: 'read:other', resource_server_name: 'Other', resource_server_identifier: OTHER },
        ].sort((a, b) => (a.resource_server_identifier + a.permission_name < b.resource_server_identifier + b.permission_name ? -1 : 1)),
      );
      const totals = await api('GET', `roles/${role.id}/permissions?include_totals=true&per_page=1`);
      expect(totals.body).toMatchObject({ start: 0, limit: 1, total: 3 });
      expect(totals.body.permissions).toHaveLength(1);

      await mgmt.roles.permissions.delete(role.id!, { permissions: [perm('write:orders')] });
      const removed = await api('DELETE', `roles/${role.id}/permissions`, { permissions: [perm('read:other', OTHER)] });
      expect(removed.status).toBe(200);
      expect(
        ((await api('GET', `roles/${role.id}/permissions`)).body as { permission_name: string }[]).map((p) => p.permission_name),
      ).toEqual(['read:orders']);
    });

    it('refuses an unknown API, a permission the API does not define and the Management API, assigning nothing', async () => {
      const role = await mgmt.roles.create({ name: 'Refused' });
      const before = await snapshotDatabase(t.app);
      const post = (permissions: unknown[]) => api('POST', `roles/${role.id}/permissions`, { permissions });
      expectManagementError(
        await post([perm('read:orders'), perm('read:x', 'https://nope.example')]),
        400,
        'inexistent_resource_server',
        /nope.example/,
      );
      expectManagementError(await post([perm('read:orders'), perm('fly:orders')]), 400, 'invalid_body', /fly:orders/);
      expectManagementError(await post([perm('read:users', t.managementAudience)]), 400, 'operation_not_supported', /system API/);
      expectManagementError(await post([]), 400, 'invalid_body', /too short/);
      expectManagementError(await post([{ permission_name: 'read:orders' }]), 400, 'invalid_body', /resource_server_identifier/);
      expectManagementError(
        await api('DELETE', `roles/${role.id}/permissions`, { permissions: [perm('fly:orders')] }),
        400,
        'invalid_body',
      );
      expect(await snapshotDatabase(t.app)).toBe(before);
      await expect(mgmt.roles.permissions.add(role.id!, { permissions: [perm('fly:orders')] })).rejects.toBeInstanceOf(ManagementError);
    });
  });

  describe('/roles/{id}/users and /users/{id}/roles', () => {
    it('assigns users to a role and lists them with checkpoint and offset paging', async () => {
      const role = await mgmt.roles.create({ name: 'Members' });
      await mgmt.roles.users.assign(role.id!, { users: [ann.userId, bob.userId] });
      expect((await api('POST', `roles/${role.id}/users`, { users: [ann.userId] })).status).toBe(200);

      const seen: unknown[] = [];
      let page = await mgmt.roles.users.list(role.id!, { take: 1 });
      for (;;) {
        seen.push(...page.data);
        if (!page.hasNextPage()) {
          break;
        }
        page = await page.getNextPage();
      }
      expect(seen).toEqual(
        [ann, bob]
          .map((u) => ({ user_id: u.userId, email: u.email, name: u.email.startsWith('ann') ? 'Ann' : 'Bob', picture: expect.any(String) }))
          .sort((a, b) => (a.user_id < b.user_id ? -1 : 1)),
      );
      const offset = await api('GET', `roles/${role.id}/users?per_page=1&page=1&include_totals=true`);
      expect(offset.body).toMatchObject({ start: 1, limit: 1, total: 2 });
      expect(offset.body.users).toHaveLength(1);
      const checkpoint = await api('GET', `roles/${role.id}/users?take=1`);
      expect(checkpoint.body).toEqual({ users: [expect.any(Object)], next: '1' });
      expect((await api('GET', `roles/${role.id}/users?from=1&take=1`)).body).toEqual({ users: [expect.any(Object)] });
    });

    it('refuses an unknown user, assigning no one', async () => {
      const role = await mgmt.roles.create({ name: 'Strict' });
      const before = await snapshotDatabase(t.app);
      expectManagementError(
        await api('POST', `roles/${role.id}/users`, { users: [ann.userId, 'auth0|ghost'] }),
        404,
        'inexistent_user',
        /auth0\|ghost/,
      );
      expectManagementError(await api('POST', `roles/${role.id}/users`, { users: 'x' }), 400, 'invalid_body');
      expect(await snapshotDatabase(t.app)).toBe(before);
    });

    it('assigns, lists and removes a user’s roles with the SDK; unknown roles and users are refused and change nothing', async () => {
      const r1 = await mgmt.roles.create({ name: 'Alpha' });
      const r2 = await mgmt.roles.create({ name: 'Beta' });
      await mgmt.users.roles.assign(bob.userId, { roles: [r2.id!, r1.id!] });
      const listed = await mgmt.users.roles.list(bob.userId);
      expect(listed.data.filter((r) => ['Alpha', 'Beta'].includes(r.name!))).toEqual([
        { id: r1.id, name: 'Alpha' },
        { id: r2.id, name: 'Beta' },
      ]);
      const totals = await api('GET', `users/${enc(bob.userId)}/roles?include_totals=true&per_page=1`);
      expect(totals.body).toMatchObject({ start: 0, limit: 1, total: listed.data.length });

      const before = await snapshotDatabase(t.app);
      expectManagementError(
        await api('POST', `users/${enc(bob.userId)}/roles`, { roles: [r1.id, 'rol_ghost'] }),
        404,
        'inexistent_role',
        /rol_ghost/,
      );
      expectManagementError(await api('DELETE', `users/${enc(bob.userId)}/roles`, { roles: ['rol_ghost'] }), 404, 'inexistent_role');
      expectManagementError(
        await api('POST', `users/${enc('auth0|ghost')}/roles`, { roles: [r1.id] }),
        404,
        'inexistent_user',
        'The user does not exist.',
      );
      expectManagementError(await api('GET', `users/${enc('auth0|ghost')}/roles`), 404, 'inexistent_user');
      expectManagementError(await api('POST', `users/${enc(bob.userId)}/roles`, { roles: [] }), 400, 'invalid_body');
      expect(await snapshotDatabase(t.app)).toBe(before);

      await mgmt.users.roles.delete(bob.userId, { roles: [r1.id!] });
      expect((await mgmt.users.roles.list(bob.userId)).data.map((r) => r.name)).not.toContain('Alpha');
      expect((await mgmt.roles.users.list(r2.id!)).data.map((u) => u.user_id)).toEqual([bob.userId]);
    });
  });

  describe('/users/{id}/permissions', () => {
    it('lists direct and role permissions together, each with its sources', async () => {
      const carol = await createUser(mgmt, 'carol@rbac.example');
      const role = await mgmt.roles.create({ name: 'Order Writers' });
      await mgmt.roles.permissions.add(role.id!, { permissions: [perm('read:orders'), perm('write:orders')] });
      await mgmt.users.roles.assign(carol.userId, { roles: [role.id!] });
      await mgmt.users.permissions.create(carol.userId, { permissions: [perm('read:orders'), perm('read:other', OTHER)] });

      const listed = await api('GET', `users/${enc(carol.userId)}/permissions`);
      expect(listed.status).toBe(200);
      const direct = { source_id: '', source_name: '', source_type: 'DIRECT' };
      const viaRole = { source_id: role.id, source_name: 'Order Writers', source_type: 'ROLE' };
      expect(listed.body).toEqual(
        [
          {
            permission_name: 'read:orders',
            description: 'Read orders',
            resource_server_name: 'Orders',
            resource_server_identifier: API,
            sources: [direct, viaRole],
          },
          { permission_name: 'write:orders', resource_server_name: 'Orders', resource_server_identifier: API, sources: [viaRole] },
          { permission_name: 'read:other', resource_server_name: 'Other', resource_server_identifier: OTHER, sources: [direct] },
        ].sort((a, b) => (a.resource_server_identifier + a.permission_name < b.resource_server_identifier + b.permission_name ? -1 : 1)),
      );
      const sdk = await mgmt.users.permissions.list(carol.userId, { per_page: 2 });
      expect(sdk.data).toHaveLength(2);
      expect((await api('GET', `users/${enc(carol.userId)}/permissions?include_totals=true`)).body).toMatchObject({
        start: 0,
        limit: 50,
        total: 3,
      });

      // Removing the direct permission leaves the one the role gives.
      await mgmt.users.permissions.delete(carol.userId, { permissions: [perm('read:orders')] });
      const after = (await api('GET', `users/${enc(carol.userId)}/permissions`)).body as { permission_name: string; sources: unknown[] }[];
      expect(after.find((p) => p.permission_name === 'read:orders')?.sources).toEqual([viaRole]);
    });

    it('refuses direct permissions like a role’s, and unknown users, changing nothing', async () => {
      const before = await snapshotDatabase(t.app);
      const path = `users/${enc(ann.userId)}/permissions`;
      expectManagementError(
        await api('POST', path, { permissions: [perm('read:orders'), perm('fly:orders')] }),
        400,
        'invalid_body',
        /fly:orders/,
      );
      expectManagementError(
        await api('POST', path, { permissions: [perm('a', 'https://nope.example')] }),
        400,
        'inexistent_resource_server',
      );
      expectManagementError(await api('DELETE', path, { permissions: [perm('fly:orders')] }), 400, 'invalid_body');
      expectManagementError(
        await api('POST', `users/${enc('auth0|ghost')}/permissions`, { permissions: [perm('read:orders')] }),
        404,
        'inexistent_user',
      );
      expectManagementError(await api('GET', `users/${enc('auth0|ghost')}/permissions`), 404, 'inexistent_user');
      expect(await snapshotDatabase(t.app)).toBe(before);
      expect((await api('POST', path, { permissions: [perm('read:orders')] })).status).toBe(201);
      expect((await api('DELETE', path, { permissions: [perm('read:orders')] })).status).toBe(204);
    });
  });

  describe('upgrading a database from before roles', () => {
    it('adds the tables, the admin role, and the roles scopes to the Management API and the admin client’s grant', async () => {
      // Back to that time: no RBAC tables, and the Management API and admin grant without the roles scopes.
      const ds = t.app.get(DataSource);
      const runner = ds.createQueryRunner();
      try {
        await new Roles1732401600000().down(runner);
      } finally {
        await runner.release();
      }
      await ds.query("DELETE FROM migrations WHERE name = 'Roles1732401600000'");
      const isRbac = (s: string) => /:role(s|_members)$/.test(s);
      const system = await ds.getRepository(ResourceServerEntity).findOneByOrFail({ tenantId: 'default', isSystem: true });
      await ds.getRepository(ResourceServerEntity).update({ id: system.id }, { scopes: system.scopes.filter((s) => !isRbac(s.value)) });
      const grant = await ds.getRepository(ClientGrantEntity).findOneByOrFail({ tenantId: 'default', clientId: ADMIN_CLIENT_ID });
      await ds.getRepository(ClientGrantEntity).update({ id: grant.id }, { scope: grant.scope.filter((s) => !isRbac(s)) });

      const port = Number(new URL(t.baseUrl).port);
      await t.close();
      t = await startTestApp({}, { dir: t.dir, port, databaseUrl: t.databaseUrl });
      token = await t.adminToken();
      const scopes = String(decodeJwt(token).scope).split(' ');
      expect(scopes.filter(isRbac).sort()).toEqual([
        'create:role_members',
        'create:roles',
        'delete:role_members',
        'delete:roles',
        'read:role_members',
        'read:roles',
        'update:roles',
      ]);
      expect((await api('GET', 'roles')).body).toEqual([
        { id: expect.stringMatching(/^rol_/), name: 'Tessera Admin', description: expect.any(String) },
      ]);
      const api2 = (await api('GET', `resource-servers/${encodeURIComponent(t.managementAudience)}`)).body as {
        scopes: { value: string }[];
      };
      expect(api2.scopes.map((s) => s.value).filter(isRbac)).toHaveLength(7);
    });
  });
});
