import { claimsForScopes, grantableUserScopes, refreshTokensAllowed } from './user-flow-scopes.js';

const api = { isSystem: false, enforcePolicies: false, allowOfflineAccess: true, scopeValues: new Set(['read:orders']) };

describe('user flow scopes', () => {
  it('keeps OIDC scopes and the API scopes it defines, dropping unknown ones', () => {
    expect(grantableUserScopes(['openid', 'read:orders', 'write:orders', 'email'], api)).toEqual(['openid', 'read:orders', 'email']);
    expect(grantableUserScopes(['openid', 'read:orders'], undefined)).toEqual(['openid']);
  });

  it('never grants Management API scopes to a user, nor RBAC API scopes without permissions', () => {
    expect(grantableUserScopes(['openid', 'read:orders'], { ...api, isSystem: true })).toEqual(['openid']);
    expect(grantableUserScopes(['read:orders'], { ...api, enforcePolicies: true })).toEqual([]);
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
