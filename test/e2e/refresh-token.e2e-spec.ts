import type { ManagementClient } from 'auth0';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { expectOAuthError } from '../helpers/expect-error.js';
import { managementClient } from '../helpers/management-client.js';
import { http, postForm, startTestApp, type TestApp } from '../helpers/test-app.js';
import { CALLBACK, createUser, createWebClient, loginWithCode, type TestClient, type TestUser } from '../helpers/user-flows.js';

const OFFLINE = 'https://offline.api.example';
const ONLINE = 'https://online.api.example';
const UNKNOWN = 'Unknown or invalid refresh token.';

describe('refresh tokens', () => {
  let t: TestApp;
  let mgmt: ManagementClient;
  let web: TestClient;
  let ann: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    mgmt = managementClient(t.baseUrl, await t.adminToken());
    const scopes = [{ value: 'read:a' }, { value: 'write:a' }];
    await mgmt.resourceServers.create({ identifier: OFFLINE, name: 'Offline', allow_offline_access: true, scopes });
    await mgmt.resourceServers.create({ identifier: ONLINE, name: 'Online', allow_offline_access: false, scopes });
    web = await createWebClient(mgmt);
    ann = await createUser(mgmt, 'ann@example.com');
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const refresh = (token: string, client: TestClient = web, extra: Record<string, string> = {}) =>
    postForm(t.baseUrl, '/oauth/token', {
      grant_type: 'refresh_token',
      client_id: client.id,
      ...(client.secret ? { client_secret: client.secret } : {}),
      refresh_token: token,
      ...extra,
    });

  it('rotates on every use with openid-client, keeping the grant', async () => {
    const { run, tokens } = await loginWithCode(t, web, {
      scope: 'openid email offline_access read:a',
      audience: OFFLINE,
      email: ann.email,
    });
    const first = tokens.refresh_token!;
    const second = await oidc.refreshTokenGrant(run.config, first);
    expect(second.refresh_token).toBeDefined();
    expect(second.refresh_token).not.toBe(first);
    expect(second.scope).toBe('openid email offline_access read:a');
    expect(decodeJwt(second.access_token)).toMatchObject({ aud: [OFFLINE, `${t.issuer}userinfo`], sub: ann.userId });
    // A fresh ID token for the same session, without the original nonce.
    expect(second.claims()).toMatchObject({
      sub: ann.userId,
      aud: web.id,
      email: 'ann@example.com',
      auth_time: tokens.claims()!.auth_time,
    });
    expect(second.claims()!.nonce).toBeUndefined();

    const third = await oidc.refreshTokenGrant(run.config, second.refresh_token!);
    expect(third.refresh_token).not.toBe(second.refresh_token);
  });

  it('revokes the whole family when an old refresh token is reused', async () => {
    const { tokens } = await loginWithCode(t, web, { scope: 'openid offline_access', email: ann.email });
    const first = tokens.refresh_token!;
    const rotated = await refresh(first);
    expect(rotated.status).toBe(200);
    const current = rotated.body.refresh_token as string;

    // Someone replays the first token: refused, and the family dies with it.
    expectOAuthError(await refresh(first), 403, 'invalid_grant', UNKNOWN);
    expectOAuthError(await refresh(current), 403, 'invalid_grant', UNKNOWN);
    // The opaque access token of the family stops working at /userinfo too.
    const info = await http(t.baseUrl, 'GET', '/userinfo', { token: rotated.body.access_token });
    expectOAuthError(info, 401, 'invalid_token', 'The access token has been revoked');
    // The tenant log shows the reuse as Auth0 does (ferrt), naming the user and client, not the token.
    const logs = await http(t.baseUrl, 'GET', '/api/v2/logs?q=type:ferrt', { token: await t.adminToken() });
    expect(logs.body).toEqual([expect.objectContaining({ type: 'ferrt', client_id: web.id, user_id: ann.userId })]);
    expect(JSON.stringify(logs.body)).not.toContain(first);
  });

  it('narrows scope on request and refuses to widen it', async () => {
    const { tokens } = await loginWithCode(t, web, { scope: 'openid offline_access read:a write:a', audience: OFFLINE, email: ann.email });
    const wider = await refresh(tokens.refresh_token!, web, { scope: 'openid read:a write:a delete:a' });
    expectOAuthError(wider, 400, 'invalid_scope', /delete:a/);
    // The refused request did not use the token up.
    const narrower = await refresh(tokens.refresh_token!, web, { scope: 'read:a offline_access' });
    expect(narrower.status).toBe(200);
    expect(narrower.body.scope).toBe('read:a offline_access');
    expect(decodeJwt(narrower.body.access_token)).toMatchObject({ aud: OFFLINE, scope: 'read:a offline_access' });
    expect(narrower.body.id_token).toBeUndefined();
  });

  it('is bound to its client', async () => {
    const { tokens } = await loginWithCode(t, web, { scope: 'openid offline_access', email: ann.email });
    const other = await createWebClient(mgmt, { name: 'Other' });
    expectOAuthError(await refresh(tokens.refresh_token!, other), 403, 'invalid_grant', UNKNOWN);
    expectOAuthError(await refresh(tokens.refresh_token!, { id: web.id, secret: 'wrong-secret' }), 401, 'invalid_client');
    // Neither attempt harmed the rightful client.
    expect((await refresh(tokens.refresh_token!)).status).toBe(200);
  });

  it('works for a public client without a secret', async () => {
    const s = await mgmt.clients.create({
      name: 'SPA',
      app_type: 'spa',
      callbacks: [CALLBACK],
      grant_types: ['authorization_code', 'refresh_token'],
    });
    const spa = { id: s.client_id! };
    const { tokens } = await loginWithCode(t, spa, { scope: 'openid offline_access', email: ann.email });
    const res = await refresh(tokens.refresh_token!, spa);
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).not.toBe(tokens.refresh_token);
  });

  it('is issued only with offline_access, for APIs that allow it, to clients with the grant type', async () => {
    const noOffline = await loginWithCode(t, web, { scope: 'openid', email: ann.email });
    expect(noOffline.tokens.refresh_token).toBeUndefined();

    const online = await loginWithCode(t, web, { scope: 'openid offline_access read:a', audience: ONLINE, email: ann.email });
    expect(online.tokens.refresh_token).toBeUndefined();
    expect(online.tokens.scope).toBe('openid read:a');

    const noGrant = await createWebClient(mgmt, { name: 'No refresh', grant_types: ['authorization_code'] });
    const r = await loginWithCode(t, noGrant, { scope: 'openid offline_access', email: ann.email });
    expect(r.tokens.refresh_token).toBeUndefined();
    expect(r.tokens.scope).toBe('openid');
  });

  it('stops working for a blocked or deleted user', async () => {
    const bea = await createUser(mgmt, 'bea@example.com');
    const { tokens } = await loginWithCode(t, web, { scope: 'openid offline_access', email: bea.email });
    await mgmt.users.update(bea.userId, { blocked: true });
    expectOAuthError(await refresh(tokens.refresh_token!), 401, 'unauthorized', 'user is blocked');

    const cid = await createUser(mgmt, 'cid@example.com');
    const second = await loginWithCode(t, web, { scope: 'openid offline_access', email: cid.email });
    await mgmt.users.delete(cid.userId);
    expectOAuthError(await refresh(second.tokens.refresh_token!), 403, 'invalid_grant', UNKNOWN);
  });

  it('refuses requests without a token, and clients without the grant type', async () => {
    expectOAuthError(await refresh(''), 400, 'invalid_request', 'Missing required parameter: refresh_token');
    const m2m = await mgmt.clients.create({ name: 'M2M', app_type: 'non_interactive' });
    const res = await refresh('whatever', { id: m2m.client_id!, secret: m2m.client_secret });
    expectOAuthError(res, 403, 'unauthorized_client', "Grant type 'refresh_token' not allowed for the client.");
  });

  describe('POST /oauth/revoke (RFC 7009)', () => {
    it('revokes a refresh token and its family', async () => {
      const { run, tokens } = await loginWithCode(t, web, { scope: 'openid offline_access', email: ann.email });
      const rotated = await refresh(tokens.refresh_token!);
      await oidc.tokenRevocation(run.config, rotated.body.refresh_token, { token_type_hint: 'refresh_token' });
      expectOAuthError(await refresh(rotated.body.refresh_token), 403, 'invalid_grant', UNKNOWN);
    });

    it('answers 200 for unknown tokens, and refuses other clients and bad requests', async () => {
      const unknown = await postForm(t.baseUrl, '/oauth/revoke', { client_id: web.id, client_secret: web.secret!, token: 'unknown' });
      expect(unknown.status).toBe(200);
      expect(unknown.body).toBeUndefined();

      const { tokens } = await loginWithCode(t, web, { scope: 'openid offline_access', email: ann.email });
      const other = await createWebClient(mgmt, { name: 'Thief' });
      const foreign = await postForm(t.baseUrl, '/oauth/revoke', {
        client_id: other.id,
        client_secret: other.secret!,
        token: tokens.refresh_token!,
      });
      expectOAuthError(foreign, 400, 'invalid_request', 'The token was not issued to this client');
      expect((await refresh(tokens.refresh_token!)).status).toBe(200);

      expectOAuthError(
        await postForm(t.baseUrl, '/oauth/revoke', { client_id: web.id, client_secret: web.secret! }),
        400,
        'invalid_request',
      );
      expectOAuthError(
        await postForm(t.baseUrl, '/oauth/revoke', { client_id: web.id, client_secret: 'nope', token: 'x' }),
        401,
        'invalid_client',
      );
    });
  });
});
