import {
  claimsForScopes,
  grantableUserScopes,
  hasAdminRole,
  isTenantAdmin,
  refreshTokensAllowed,
  userFlowPartyOf,
} from './user-flow-scopes.js';

const api = { isSystem: false, enforcePolicies: false, allowOfflineAccess: true, scopeValues: new Set(['read:orders']) };
const managementApi = {
  isSystem: true,
  enforcePolicies: false,
  allowOfflineAccess: false,
  scopeValues: new Set(['read:users', 'update:users', 'read:clients']),
};
const admin = { appMetadata: { roles: ['support', 'admin'] } };
const dashboard = { systemRole: 'dashboard' };

describe('user flow scopes', () => {
  it('keeps OIDC scopes and the API scopes it defines, dropping unknown ones', () => {
    expect(grantableUserScopes(['openid', 'read:orders', 'write:orders', 'email'], api)).toEqual(['openid', 'read:orders', 'email']);
    expect(grantableUserScopes(['openid', 'read:orders'], undefined)).toEqual(['openid']);
  });

  it('never grants Management API scopes to a user; lets RBAC API scopes through to the issuer, which intersects them with permissions', () => {
    expect(grantableUserScopes(['openid', 'read:orders'], { ...api, isSystem: true })).toEqual(['openid']);
    expect(grantableUserScopes(['read:orders', 'write:orders'], { ...api, enforcePolicies: true })).toEqual(['read:orders']);
  });

  it('grants an admin signing in to the dashboard client the Management scopes asked for, and only those the API defines', () => {
    expect(
      grantableUserScopes(['openid', 'read:users', 'read:clients', 'create:tenants'], managementApi, userFlowPartyOf(dashboard, admin)),
    ).toEqual(['openid', 'read:users', 'read:clients']);
    expect(grantableUserScopes(['openid'], managementApi, userFlowPartyOf(dashboard, admin))).toEqual(['openid']);
  });

  it('never grants tenant administration (*:tenants) to a user, even an admin on the default tenant', () => {
    const defaultTenantApi = { ...managementApi, scopeValues: new Set([...managementApi.scopeValues, 'create:tenants', 'read:tenants']) };
    expect(
      grantableUserScopes(['read:users', 'create:tenants', 'read:tenants'], defaultTenantApi, userFlowPartyOf(dashboard, admin)),
    ).toEqual(['read:users']);
  });

  it('grants no Management scope to another client, to a user without the admin role, or before the user is known', () => {
    const asked = ['openid', 'read:users', 'update:users'];
    expect(grantableUserScopes(asked, managementApi, userFlowPartyOf({ systemRole: null }, admin))).toEqual(['openid']);
    expect(grantableUserScopes(asked, managementApi, userFlowPartyOf({ systemRole: 'admin' }, admin))).toEqual(['openid']);
    expect(grantableUserScopes(asked, managementApi, userFlowPartyOf(dashboard, { appMetadata: {} }))).toEqual(['openid']);
    expect(grantableUserScopes(asked, managementApi, userFlowPartyOf(dashboard, { appMetadata: { roles: 'admin' } }))).toEqual(['openid']);
    expect(grantableUserScopes(asked, managementApi, userFlowPartyOf(dashboard))).toEqual(['openid']);
    expect(grantableUserScopes(asked, managementApi)).toEqual(['openid']);
  });

  it('keeps the admin role to the Management API: other APIs follow their own rules for admins too', () => {
    const party = userFlowPartyOf(dashboard, admin);
    expect(grantableUserScopes(['read:orders', 'read:users'], api, party)).toEqual(['read:orders']);
    expect(grantableUserScopes(['read:orders', 'read:users'], { ...api, enforcePolicies: true }, party)).toEqual(['read:orders']);
  });

  it('makes members of the configured admin role admins in the dashboard, and no one else by role', () => {
    const asked = ['openid', 'read:users'];
    const member = { appMetadata: {} };
    const roles = (names: string[]) => ({ names, adminRole: 'Tessera Admin' });
    expect(grantableUserScopes(asked, managementApi, userFlowPartyOf(dashboard, member, roles(['Support', 'Tessera Admin'])))).toEqual(
      asked,
    );
    expect(grantableUserScopes(asked, managementApi, userFlowPartyOf(dashboard, member, roles(['tessera admin', 'admin'])))).toEqual([
      'openid',
    ]);
    expect(grantableUserScopes(asked, managementApi, userFlowPartyOf({ systemRole: null }, member, roles(['Tessera Admin'])))).toEqual([
      'openid',
    ]);
    expect(hasAdminRole(userFlowPartyOf(dashboard, member, roles(['Tessera Admin'])))).toBe(true);
    expect(hasAdminRole(userFlowPartyOf(dashboard, member))).toBe(false);
  });

  it('recognises a tenant admin only by an app_metadata.roles array containing "admin"', () => {
    expect(isTenantAdmin({ roles: ['admin'] })).toBe(true);
    expect(isTenantAdmin({ roles: ['Admin', 'administrator'] })).toBe(false);
    expect(isTenantAdmin({ role: 'admin' })).toBe(false);
    expect(isTenantAdmin({ roles: { admin: true } })).toBe(false);
    expect(isTenantAdmin(undefined)).toBe(false);
  });

  it('grants offline_access only where refresh tokens are allowed', () => {
    expect(grantableUserScopes(['openid', 'offline_access'], undefined)).toEqual(['openid', 'offline_access']);
    expect(grantableUserScopes(['openid', 'offline_access'], { ...api, allowOfflineAccess: false })).toEqual(['openid']);
    expect(refreshTokensAllowed(api)).toBe(true);
  });

  it('releases profile and email claims by scope', () => {
    const profile = { name: 'Ann', nickname: 'ann', email: 'a@x.io', email_verified: false, given_name: null };
    expect(claimsForScopes(['openid'], profile)).toEqual({});
    expect(claimsForScopes(['openid', 'email'], profile)).toEqual({ email: 'a@x.io', email_verified: false });
    expect(claimsForScopes(['profile'], profile)).toEqual({ name: 'Ann', nickname: 'ann' });
  });
});
