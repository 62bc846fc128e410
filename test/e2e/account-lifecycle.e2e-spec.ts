import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ManagementClient } from 'auth0';
import { AuthenticationClient } from 'auth0/legacy';
import { DataSource } from 'typeorm';
import { snapshotDatabase } from '../helpers/db-snapshot.js';
import { expectManagementError } from '../helpers/expect-error.js';
import { managementClient } from '../helpers/management-client.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';
import { http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';
import { authorizeInBrowser, createWebClient, PASSWORD, type TestClient } from '../helpers/user-flows.js';
import { makeTestCertificate } from '../helpers/test-certificate.js';

const DB = 'Username-Password-Authentication';
const REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';
const RELAY_USER = 'relay';
const RELAY_PASS = 'relay-secret-5f2c';

/**
 * The account lifecycle end to end, through the auth0 SDK's own clients and a real SMTP server in this
 * process: connections, the e-mail provider and templates, sign-up, verification, password reset,
 * tickets and jobs.
 */
describe('account lifecycle (sign-up, verification, reset, mail)', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let mgmt: ManagementClient;
  let auth: AuthenticationClient;
  let web: TestClient;
  let token: string;

  beforeAll(async () => {
    smtp = await startSmtpSink({ user: RELAY_USER, pass: RELAY_PASS });
    t = await startTestApp({ EMAIL_RETRY_DELAYS_MS: '20,40' });
    token = await t.adminToken();
    mgmt = managementClient(t.baseUrl, token);
    await mgmt.emails.provider.create({
      name: 'smtp',
      enabled: true,
      default_from_address: 'no-reply@tessera.test',
      credentials: { smtp_host: '127.0.0.1', smtp_port: smtp.port, smtp_user: RELAY_USER, smtp_pass: RELAY_PASS },
    });
    web = await createWebClient(mgmt, { name: 'Shop' });
    auth = new AuthenticationClient({ domain: new URL(t.baseUrl).host, clientId: web.id });
  });
  afterAll(async () => {
    await t.cleanup();
    await smtp.close();
  });

  const login = (username: string, password: string) =>
    postForm(t.baseUrl, '/oauth/token', {
      grant_type: REALM_GRANT,
      realm: DB,
      client_id: web.id,
      client_secret: web.secret!,
      username,
      password,
      scope: 'openid offline_access',
    });
  const mailTo = (email: string, subject: RegExp) => smtp.waitFor((m) => m.to.includes(email) && subject.test(m.subject));
  const linkIn = (mail: { links: string[] }, path: string) => {
    const link = mail.links.find((l) => new URL(l).pathname === path);
    expect(link).toBeDefined();
    expect(new URL(link!).origin).toBe(new URL(t.issuer).origin);
    return link!;
  };
  const get = (url: string) => fetch(url, { redirect: 'manual' });

  describe('connections', () => {
    it('lists the database connection with new clients enabled, in the plain and the paged shapes', async () => {
      const { data: list } = await mgmt.connections.list({ strategy: ['auth0'] });
      const db = list.find((c) => c.name === DB)!;
      expect(db).toMatchObject({ strategy: 'auth0', realms: [DB], options: { passwordPolicy: 'good', brute_force_protection: true } });
      expect(db.id).toMatch(/^con_/);
      const raw = await http(t.baseUrl, 'GET', '/api/v2/connections', { token });
      expect(Array.isArray(raw.body)).toBe(true);
      expect(raw.body.find((c: { name: string }) => c.name === DB).enabled_clients).toContain(web.id);
      const paged = await http(t.baseUrl, 'GET', `/api/v2/connections?include_totals=true&name=${DB}`, { token });
      expect(paged.body).toMatchObject({ total: 1, start: 0, connections: [{ name: DB }] });
      const none = await http(t.baseUrl, 'GET', '/api/v2/connections?strategy=google-oauth2', { token });
      expect(none.body).toEqual([]);
    });

    it('creates, patches (options and enabled_clients replaced whole) and deletes a database connection', async () => {
      const created = await http(t.baseUrl, 'POST', '/api/v2/connections', {
        token,
        body: { name: 'Staff-DB', strategy: 'auth0', options: { passwordPolicy: 'excellent' }, enabled_clients: [web.id] },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'Staff-DB',
        strategy: 'auth0',
        enabled_clients: [web.id],
        options: { passwordPolicy: 'excellent' },
      });
      const dup = await http(t.baseUrl, 'POST', '/api/v2/connections', { token, body: { name: 'Staff-DB', strategy: 'auth0' } });
      expect(dup.status).toBe(409);
      const social = await http(t.baseUrl, 'POST', '/api/v2/connections', { token, body: { name: 'gh', strategy: 'github' } });
      expect(social.status).toBe(400);
      const patched = await http(t.baseUrl, 'PATCH', `/api/v2/connections/${created.body.id}`, {
        token,
        body: { options: { passwordPolicy: 'low' }, enabled_clients: [] },
      });
      expect(patched.status).toBe(200);
      expect(patched.body.options).toEqual({ passwordPolicy: 'low' });
      expect(patched.body.enabled_clients).toEqual([]);
      const badOption = await http(t.baseUrl, 'PATCH', `/api/v2/connections/${created.body.id}`, {
        token,
        body: { options: { passwordPolicy: 'strong' } },
      });
      expect(badOption.status).toBe(400);
      const unknownClient = await http(t.baseUrl, 'PATCH', `/api/v2/connections/${created.body.id}`, {
        token,
        body: { enabled_clients: ['nope'] },
      });
      expect(unknownClient.status).toBe(400);
      // A user of the connection goes with it.
      await http(t.baseUrl, 'PATCH', `/api/v2/connections/${created.body.id}`, { token, body: { enabled_clients: [web.id] } });
      const staff = await mgmt.users.create({
        connection: 'Staff-DB',
        email: 'staff@example.com',
        password: 'aaaaaa',
        verify_email: false,
      });
      expect((await login('staff@example.com', 'aaaaaa')).status).toBe(403); // realm is the default connection
      const viaRealm = await postForm(t.baseUrl, '/oauth/token', {
        grant_type: REALM_GRANT,
        realm: 'Staff-DB',
        client_id: web.id,
        client_secret: web.secret!,
        username: 'staff@example.com',
        password: 'aaaaaa',
      });
      expect(viaRealm.status).toBe(200);
      expect((await http(t.baseUrl, 'DELETE', `/api/v2/connections/${created.body.id}`, { token })).status).toBe(202);
      expect((await http(t.baseUrl, 'GET', `/api/v2/users/${encodeURIComponent(staff.user_id!)}`, { token })).status).toBe(404);
      expect((await http(t.baseUrl, 'GET', `/api/v2/connections/${created.body.id}`, { token })).status).toBe(404);
    });

    it('reads and changes the enabled clients through /connections/{id}/clients, as the SDK and deploy-cli do', async () => {
      const { data: list } = await mgmt.connections.list({ name: DB });
      const id = list[0].id!;
      const other = await createWebClient(mgmt, { name: 'Kiosk' });
      const page = await mgmt.connections.clients.get(id);
      expect(page.data.map((c) => c.client_id)).toEqual(expect.arrayContaining([web.id, other.id]));
      await mgmt.connections.clients.update(id, [{ client_id: other.id, status: false }]);
      expect((await mgmt.connections.get(id)).enabled_clients).not.toContain(other.id);
      const bad = await http(t.baseUrl, 'PATCH', `/api/v2/connections/${id}/clients`, {
        token,
        body: [{ client_id: other.id, status: 'yes' }],
      });
      expect(bad.status).toBe(400);
      const unknown = await http(t.baseUrl, 'PATCH', `/api/v2/connections/${id}/clients`, {
        token,
        body: [{ client_id: 'nope', status: true }],
      });
      expect(unknown.status).toBe(400);
      await mgmt.connections.clients.update(id, [{ client_id: other.id, status: true }]);
      expect((await mgmt.connections.get(id)).enabled_clients).toContain(other.id);
      const paged = await http(t.baseUrl, 'GET', `/api/v2/connections/${id}/clients?take=1`, { token });
      expect(paged.body).toEqual({ clients: [{ client_id: web.id }], next: '1' });
    });

    it('applies the connection password policy to POST /api/v2/users', async () => {
      const { data: list } = await mgmt.connections.list({ name: DB });
      const db = list[0];
      await mgmt.connections.update(db.id!, { options: { ...db.options, passwordPolicy: 'excellent' } });
      try {
        const weak = await http(t.baseUrl, 'POST', '/api/v2/users', {
          token,
          body: { connection: DB, email: 'pol@example.com', password: 'Abcdef12!' },
        });
        expect(weak.status).toBe(400);
        expect(weak.body).toMatchObject({ errorCode: 'invalid_password' });
        expect(weak.body.message).toMatch(/at least 10 characters/);
        const ok = await http(t.baseUrl, 'POST', '/api/v2/users', {
          token,
          body: { connection: DB, email: 'pol@example.com', password: 'Abcdef12!xyz', verify_email: false },
        });
        expect(ok.status).toBe(201);
        // password_complexity_options.min_length overrides the level's length.
        await mgmt.connections.update(db.id!, {
          options: { ...db.options, passwordPolicy: 'low', password_complexity_options: { min_length: 12 } },
        });
        const short = await http(t.baseUrl, 'POST', '/api/v2/users', {
          token,
          body: { connection: DB, email: 'pol2@example.com', password: 'abcdefghijk' },
        });
        expect(short.body.message).toMatch(/at least 12 characters/);
      } finally {
        await mgmt.connections.update(db.id!, { options: db.options });
      }
    });
  });

  describe('e-mail provider and templates', () => {
    it('never returns smtp_pass, and keeps it sealed at rest', async () => {
      const provider = await mgmt.emails.provider.get();
      expect(provider).toEqual({
        name: 'smtp',
        enabled: true,
        default_from_address: 'no-reply@tessera.test',
        credentials: { smtp_host: '127.0.0.1', smtp_port: smtp.port, smtp_user: RELAY_USER },
        settings: {},
      });
      const rows = (await t.app.get(DataSource).query('SELECT * FROM email_providers')) as Record<string, unknown>[];
      expect(JSON.stringify(rows)).not.toContain(RELAY_PASS);
      expect(String(rows[0].smtp_pass_sealed)).toMatch(/^v1\./);
      const again = await http(t.baseUrl, 'POST', '/api/v2/emails/provider', {
        token,
        body: { name: 'smtp', credentials: { smtp_host: 'x', smtp_port: 25 } },
      });
      expect(again.status).toBe(409);
    });

    it('round-trips a template exactly; PATCH keeps what it is not given', async () => {
      const initial = await mgmt.emailTemplates.get('welcome_email');
      expect(initial).toMatchObject({ template: 'welcome_email', syntax: 'liquid', enabled: false });
      const set = {
        template: 'welcome_email' as const,
        enabled: true,
        syntax: 'liquid',
        from: 'Shop <hello@tessera.test>',
        subject: 'Welcome {{ user.name }} to {{ application.name }}',
        body: '<p>Hi {{ user.name }} ({{ user.user_metadata.plan }}) from {{ tenant }}</p>',
        resultUrl: 'https://shop.example/welcome',
        urlLifetimeInSeconds: 3600,
        includeEmailInRedirect: false,
      };
      const put = await mgmt.emailTemplates.set('welcome_email', set);
      expect(put).toEqual(set);
      const patched = await mgmt.emailTemplates.update('welcome_email', { urlLifetimeInSeconds: 7200 });
      expect(patched).toEqual({ ...set, urlLifetimeInSeconds: 7200 });
      const broken = await http(t.baseUrl, 'PATCH', '/api/v2/email-templates/welcome_email', { token, body: { body: '{% if %}' } });
      expect(broken.status).toBe(400);
      expect((await http(t.baseUrl, 'GET', '/api/v2/email-templates/no_such', { token })).status).toBe(404);
    });

    it('refuses to preview a template that does not render, saying why', async () => {
      const res = await http(t.baseUrl, 'POST', '/api/v2/email-templates/welcome_email/preview', {
        token,
        body: { body: '{{ user.name | nosuchfilter }}' },
      });
      expectManagementError(res, 400, 'invalid_body', /^The template does not render: .*nosuchfilter/);
    });
  });

  describe('sign-up', () => {
    it('signs up through the SDK, mails a verification link that verifies with a plain GET, and a welcome mail', async () => {
      const { data: body } = await auth.database.signUp({
        email: 'Sam@Example.com',
        password: PASSWORD,
        connection: DB,
        given_name: 'Sam',
        name: '<b>Sam</b>',
        user_metadata: { plan: 'gold' },
      });
      expect(body).toMatchObject({
        email: 'sam@example.com',
        email_verified: false,
        given_name: 'Sam',
        name: '<b>Sam</b>',
        user_metadata: { plan: 'gold' },
      });
      const userId = `auth0|${(body as unknown as { _id: string })._id}`;
      const verify = await mailTo('sam@example.com', /Verify your email/);
      expect(verify.from).toBe('no-reply@tessera.test');
      expect(smtp.logins).toContain(RELAY_USER);
      const welcome = await mailTo('sam@example.com', /^Welcome/);
      // Liquid escapes output: the name arrives as text, not markup.
      expect(welcome.subject).toBe('Welcome <b>Sam</b> to Shop');
      expect(welcome.html).toContain('Hi &lt;b&gt;Sam&lt;/b&gt; (gold) from default');
      expect(welcome.from).toBe('hello@tessera.test');

      const link = linkIn(verify, '/u/email-verification');
      expect((await mgmt.users.get(userId)).email_verified).toBe(false);
      const res = await get(link);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Your email was verified');
      expect((await mgmt.users.get(userId)).email_verified).toBe(true);
      expect((await get(link)).status).toBe(400);
      expect((await login('sam@example.com', PASSWORD)).status).toBe(200);
    });

    it('answers Auth0s errors: duplicate, weak password, unknown connection or client, client not enabled, sign-up disabled', async () => {
      const signup = (body: Record<string, unknown>) =>
        http(t.baseUrl, 'POST', '/dbconnections/signup', { body: { client_id: web.id, connection: DB, ...body } });
      await signup({ email: 'dup@example.com', password: PASSWORD });
      await mailTo('dup@example.com', /Verify/); // its verification link is written after the answer
      const before = await snapshotDatabase(t.app);
      const dup = await signup({ email: 'DUP@example.com', password: PASSWORD });
      expect(dup.status).toBe(400);
      expect(dup.body).toEqual({ name: 'BadRequestError', code: 'invalid_signup', description: 'Invalid sign up', statusCode: 400 });
      const weak = await signup({ email: 'weak@example.com', password: 'short' });
      expect(weak.status).toBe(400);
      expect(weak.body).toMatchObject({ code: 'invalid_password', statusCode: 400 });
      expect(weak.body.description).toMatch(/at least 8 characters/);
      expect((await signup({ email: 'x@example.com', password: PASSWORD, connection: 'Nope' })).status).toBe(400);
      expect((await signup({ email: 'x@example.com', password: PASSWORD, client_id: 'nope' })).status).toBe(400);
      const sdkErr = await auth.database.signUp({ email: 'dup@example.com', password: PASSWORD, connection: DB }).catch((e: unknown) => e);
      expect(sdkErr).toMatchObject({ error: 'invalid_signup', statusCode: 400 });
      // Refused sign-ups change nothing.
      expect(await snapshotDatabase(t.app)).toBe(before);

      const { data: list } = await mgmt.connections.list({ name: DB });
      const db = await mgmt.connections.get(list[0].id!);
      const other = await createWebClient(mgmt, { name: 'Other' });
      await mgmt.connections.update(db.id!, { enabled_clients: (db.enabled_clients ?? []).filter((c: string) => c !== other.id) });
      const disabled = await http(t.baseUrl, 'POST', '/dbconnections/signup', {
        body: { client_id: other.id, connection: DB, email: 'o@example.com', password: PASSWORD },
      });
      expect(disabled.status).toBe(403);
      await mgmt.users.create({ connection: DB, email: 'o2@example.com', password: PASSWORD, verify_email: false });
      const realm = await postForm(t.baseUrl, '/oauth/token', {
        grant_type: REALM_GRANT,
        realm: DB,
        client_id: other.id,
        client_secret: other.secret!,
        username: 'o2@example.com',
        password: PASSWORD,
      });
      expect(realm.status).toBe(403);

      await mgmt.connections.update(db.id!, { options: { ...db.options, disable_signup: true } });
      try {
        const off = await signup({ email: 'off@example.com', password: PASSWORD });
        expect(off.status).toBe(400);
        expect(off.body.code).toBe('operation_not_allowed');
        const viaApi = await http(t.baseUrl, 'POST', '/api/v2/users', {
          token,
          body: { connection: DB, email: 'off@example.com', password: PASSWORD },
        });
        expect(viaApi.status).toBe(201);
      } finally {
        await mgmt.connections.update(db.id!, { options: db.options });
      }
    });

    it('requires_username: sign-up needs a username, and the user logs in with it or with the e-mail address', async () => {
      const conn = await mgmt.connections.create({
        name: 'Members',
        strategy: 'auth0',
        options: { requires_username: true },
        enabled_clients: [web.id],
      });
      try {
        const signup = (body: Record<string, unknown>) =>
          http(t.baseUrl, 'POST', '/dbconnections/signup', { body: { client_id: web.id, connection: 'Members', ...body } });
        expect((await signup({ email: 'mo@example.com', password: PASSWORD })).status).toBe(400);
        expect((await signup({ email: 'mo@example.com', password: PASSWORD, username: 'not valid!' })).status).toBe(400);
        const ok = await signup({ email: 'mo@example.com', password: PASSWORD, username: 'Mo_99' });
        expect(ok.status).toBe(200);
        expect(ok.body).toMatchObject({ email: 'mo@example.com', username: 'mo_99', email_verified: false });
        const taken = await signup({ email: 'other@example.com', password: PASSWORD, username: 'mo_99' });
        expect(taken.body.code).toBe('invalid_signup');
        const realm = (username: string) =>
          postForm(t.baseUrl, '/oauth/token', {
            grant_type: REALM_GRANT,
            realm: 'Members',
            client_id: web.id,
            client_secret: web.secret!,
            username,
            password: PASSWORD,
          });
        expect((await realm('mo_99')).status).toBe(200);
        expect((await realm('mo@example.com')).status).toBe(200);
        const user = await mgmt.users.get(`auth0|${ok.body._id}`);
        expect(user.username).toBe('mo_99');
        const noName = await http(t.baseUrl, 'POST', '/api/v2/users', {
          token,
          body: { connection: 'Members', email: 'n@example.com', password: PASSWORD },
        });
        expect(noName.status).toBe(400);
      } finally {
        await mgmt.connections.delete(conn.id!);
      }
    });

    it('mails verification on POST /api/v2/users unless verify_email is false or the template is disabled', async () => {
      await mgmt.users.create({ connection: DB, email: 'v1@example.com', password: PASSWORD, verify_email: true });
      await mailTo('v1@example.com', /Verify/);
      await mgmt.users.create({ connection: DB, email: 'v2@example.com', password: PASSWORD, verify_email: false });
      await mgmt.emailTemplates.update('verify_email', { enabled: false });
      await mgmt.users.create({ connection: DB, email: 'v3@example.com', password: PASSWORD, verify_email: true });
      await mgmt.emailTemplates.update('verify_email', { enabled: true });
      // A later mail arrives; the two before it did not.
      await mgmt.users.create({ connection: DB, email: 'v4@example.com', password: PASSWORD, verify_email: true });
      await mailTo('v4@example.com', /Verify/);
      expect(smtp.mails.filter((m) => m.to.includes('v2@example.com') || m.to.includes('v3@example.com'))).toEqual([]);
      // A new address with verify_email: true is mailed too.
      const v2 = (await mgmt.users.listUsersByEmail({ email: 'v2@example.com' }))[0];
      await mgmt.users.update(v2.user_id!, { email: 'v2-new@example.com', verify_email: true });
      await mailTo('v2-new@example.com', /Verify/);
    });
  });

  describe('password reset', () => {
    it('change_password answers the same for unknown addresses and mails only known ones; the link resets once', async () => {
      await mgmt.users.create({ connection: DB, email: 'rita@example.com', password: PASSWORD, verify_email: false });
      const tokens = await login('rita@example.com', PASSWORD);
      expect(tokens.body.refresh_token).toBeDefined();
      // A browser session on the login page, to see it end with the reset.
      const session = await authorizeInBrowser(t, web, { scope: 'openid', email: 'rita@example.com' });
      expect(session.callback?.searchParams.get('code')).toBeTruthy();

      const { data: unknownText } = await auth.database.changePassword({ email: 'ghost@example.com', connection: DB });
      const { data: knownText } = await auth.database.changePassword({ email: 'rita@example.com', connection: DB });
      expect(unknownText).toBe("We've just sent you an email to reset your password.");
      expect(knownText).toBe(unknownText);
      const mail = await mailTo('rita@example.com', /Reset your password/);
      expect(smtp.mails.some((m) => m.to.includes('ghost@example.com'))).toBe(false);

      const link = linkIn(mail, '/lo/reset');
      const form = await get(link);
      expect(form.status).toBe(200);
      const html = await form.text();
      expect(html).toContain('name="password"');
      const ticket = new URL(link).searchParams.get('ticket')!;
      const post = (fields: Record<string, string>) =>
        fetch(`${t.baseUrl}/lo/reset`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(fields),
        });
      const mismatch = await post({ ticket, password: 'New-Password-42', password_confirm: 'Other-Password-42' });
      expect(mismatch.status).toBe(400);
      const weak = await post({ ticket, password: 'weak', password_confirm: 'weak' });
      expect(weak.status).toBe(400);
      expect(await weak.text()).toContain('too weak');
      const done = await post({ ticket, password: 'New-Password-42', password_confirm: 'New-Password-42' });
      expect(done.status).toBe(200);

      expect((await login('rita@example.com', PASSWORD)).status).toBe(403);
      expect((await login('rita@example.com', 'New-Password-42')).status).toBe(200);
      const refresh = await postForm(t.baseUrl, '/oauth/token', {
        grant_type: 'refresh_token',
        refresh_token: tokens.body.refresh_token,
        client_id: web.id,
        client_secret: web.secret!,
      });
      expect(refresh.status).toBe(403);
      expect((await get(link)).status).toBe(400);
      expect((await post({ ticket, password: 'Third-Password-42', password_confirm: 'Third-Password-42' })).status).toBe(400);
      const silent = await authorizeInBrowser(t, web, { scope: 'openid', params: { prompt: 'none' }, browser: session.browser });
      expect(silent.callback?.searchParams.get('error')).toBe('login_required');
    });

    it('password-change tickets reset (and verify with mark_email_as_verified), expire, and redirect to result_url', async () => {
      const user = await mgmt.users.create({ connection: DB, email: 'tia@example.com', password: PASSWORD, verify_email: false });
      const { data: list } = await mgmt.connections.list({ name: DB });
      const byEmail = await mgmt.tickets.changePassword({ email: 'tia@example.com', connection_id: list[0].id, ttl_sec: 1 });
      const ticket = await mgmt.tickets.changePassword({
        user_id: user.user_id,
        result_url: 'https://shop.example/done',
        mark_email_as_verified: true,
      });
      expect(ticket.ticket).toMatch(new RegExp(`^${t.issuer}lo/reset\\?ticket=`));
      const token2 = new URL(ticket.ticket!).searchParams.get('ticket')!;
      const res = await fetch(`${t.baseUrl}/lo/reset`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ticket: token2, password: 'Tia-Password-42', password_confirm: 'Tia-Password-42' }),
      });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toMatch(/^https:\/\/shop\.example\/done\?success=true/);
      expect((await mgmt.users.get(user.user_id!)).email_verified).toBe(true);
      // The one-second ticket is dead once its second has passed.
      await new Promise((r) => setTimeout(r, 1100));
      expect((await get(byEmail.ticket!)).status).toBe(400);
      expect((await http(t.baseUrl, 'POST', '/api/v2/tickets/password-change', { token, body: { user_id: 'auth0|nobody' } })).status).toBe(
        404,
      );
    });
  });

  describe('brute-force protection', () => {
    it('mails blocked_account when a user is blocked; its link unblocks', async () => {
      await mgmt.users.create({ connection: DB, email: 'bea@example.com', password: PASSWORD, verify_email: false });
      for (let i = 0; i < 10; i++) {
        expect((await login('bea@example.com', 'Wrong-Password-1')).status).toBe(403);
      }
      expect((await login('bea@example.com', PASSWORD)).status).toBe(429);
      const mail = await mailTo('bea@example.com', /blocked/);
      const link = linkIn(mail, '/lo/unblock');
      const res = await get(link);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('unblocked');
      expect((await login('bea@example.com', PASSWORD)).status).toBe(200);
      expect((await get(link)).status).toBe(400);
    });
  });

  describe('verification tickets and jobs', () => {
    it('an email-verification ticket verifies and redirects to result_url', async () => {
      const user = await mgmt.users.create({ connection: DB, email: 'vic@example.com', password: PASSWORD, verify_email: false });
      const ticket = await mgmt.tickets.verifyEmail({
        user_id: user.user_id!,
        result_url: 'https://shop.example/verified',
        includeEmailInRedirect: true,
      });
      const res = await get(ticket.ticket!);
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('location')!);
      expect(location.origin + location.pathname).toBe('https://shop.example/verified');
      expect(Object.fromEntries(location.searchParams)).toEqual({
        success: 'true',
        message: expect.stringContaining('verified'),
        email: 'vic@example.com',
      });
      expect((await mgmt.users.get(user.user_id!)).email_verified).toBe(true);
    });

    it('a verification-email job mails the link, and GET /jobs/{id} shows it completed', async () => {
      const user = await mgmt.users.create({ connection: DB, email: 'jo@example.com', password: PASSWORD, verify_email: false });
      const job = await mgmt.jobs.verificationEmail.create({ user_id: user.user_id!, client_id: web.id });
      expect(job).toMatchObject({ type: 'verification_email', status: 'pending' });
      expect(job.id).toMatch(/^job_/);
      const mail = await mailTo('jo@example.com', /Verify/);
      expect(mail.html).toContain('Shop');
      let status = 'pending';
      for (let i = 0; i < 200 && status === 'pending'; i++) {
        status = (await mgmt.jobs.get(job.id)).status;
        if (status === 'pending') await new Promise((r) => setTimeout(r, 25));
      }
      expect(status).toBe('completed');
      expect((await http(t.baseUrl, 'GET', '/api/v2/jobs/job_nope', { token })).status).toBe(404);
    });
  });

  describe('a failing relay', () => {
    it('loses no request and logs the mail it gave up (fn)', async () => {
      const down = await startSmtpSink({ reject: true });
      try {
        await mgmt.emails.provider.update({ credentials: { smtp_host: '127.0.0.1', smtp_port: down.port, smtp_user: '' } });
        const res = await http(t.baseUrl, 'POST', '/dbconnections/signup', {
          body: { client_id: web.id, connection: DB, email: 'lost@example.com', password: PASSWORD },
        });
        expect(res.status).toBe(200);
        let events: { type: string; description: string }[] = [];
        // Both mails of the sign-up (verification, welcome) are given up after their retries.
        for (let i = 0; i < 200 && events.length < 2; i++) {
          events = (await http(t.baseUrl, 'GET', `/api/v2/logs?q=${encodeURIComponent('type:fn')}`, { token })).body;
          if (events.length < 2) await new Promise((r) => setTimeout(r, 50));
        }
        expect(events.map((e) => e.description)).toContainEqual(
          expect.stringMatching(/^Failed to send the verify_email email: .*Mailbox unavailable/),
        );
      } finally {
        await mgmt.emails.provider.update({
          credentials: { smtp_host: '127.0.0.1', smtp_port: smtp.port, smtp_user: RELAY_USER, smtp_pass: RELAY_PASS },
        });
        await down.close();
      }
    });
  });
  describe('a relay offering STARTTLS', () => {
    it('is spoken to over TLS, and a certificate that does not verify stops the mail (logged)', async () => {
      const { dir } = makeTestCertificate('tessera-smtp-tls-');
      const tlsRelay = await startSmtpSink({ tls: { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) } });
      try {
        await mgmt.emails.provider.update({ credentials: { smtp_host: '127.0.0.1', smtp_port: tlsRelay.port, smtp_user: '' } });
        const test = await http(t.baseUrl, 'POST', '/api/v2/emails/provider/test', { token, body: { to: 'tls@example.com' } });
        expect(test.status).toBe(400);
        expect(test.body.message).toMatch(/self-signed certificate/);
        expect(tlsRelay.mails).toEqual([]);
      } finally {
        await mgmt.emails.provider.update({
          credentials: { smtp_host: '127.0.0.1', smtp_port: smtp.port, smtp_user: RELAY_USER, smtp_pass: RELAY_PASS },
        });
        await tlsRelay.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('the migration', () => {
    it('gives an existing tenant its database connection, enabled for its applications, and the admin client the new scopes', async () => {
      const ds = t.app.get(DataSource);
      const hasConnections = async () =>
        (
          (await ds.query(
            ds.options.type === 'postgres'
              ? "SELECT tablename FROM pg_tables WHERE tablename = 'connections'"
              : "SELECT name FROM sqlite_master WHERE name = 'connections'",
          )) as unknown[]
        ).length > 0;
      // Back to before this migration (undoing any that came after it).
      for (let i = 0; i < 20 && (await hasConnections()); i++) {
        await ds.undoLastMigration({ transaction: 'all' });
      }
      expect(await hasConnections()).toBe(false);
      // The admin client's grant as it was before: without the new scopes.
      const grant = (await ds.query(
        "SELECT g.id, g.scope FROM client_grants g JOIN clients c ON c.client_id = g.client_id WHERE c.system_role = 'admin'",
      )) as { id: string; scope: string }[];
      const before = (JSON.parse(grant[0].scope) as string[]).filter(
        (s) => !/connections$|email_|user_tickets/.test(s) || s === 'read:connections',
      );
      await ds.query(
        ds.options.type === 'postgres'
          ? 'UPDATE client_grants SET scope = $1 WHERE id = $2'
          : 'UPDATE client_grants SET scope = ? WHERE id = ?',
        [JSON.stringify(before), grant[0].id],
      );
      await ds.runMigrations({ transaction: 'all' });

      const fresh = await http(t.baseUrl, 'POST', '/oauth/token', {
        body: {
          grant_type: 'client_credentials',
          client_id: 'tessera-test-admin',
          client_secret: 'test-admin-secret-0123456789abcdef',
          audience: t.managementAudience,
        },
      });
      expect(fresh.body.scope.split(' ')).toEqual(
        expect.arrayContaining(['create:connections', 'read:email_provider', 'create:user_tickets']),
      );
      const list = await http(t.baseUrl, 'GET', '/api/v2/connections', { token: fresh.body.access_token });
      expect(list.body).toHaveLength(1);
      expect(list.body[0]).toMatchObject({ name: DB, strategy: 'auth0', options: { passwordPolicy: 'good' } });
      expect(list.body[0].enabled_clients).toContain(web.id);
      expect((await login('rita@example.com', 'New-Password-42')).status).toBe(200);
    });
  });
});
