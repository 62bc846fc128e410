import { applyPolicies } from './rbac-scopes.js';

const api = new Set(['read:orders', 'write:orders', 'delete:orders']);

describe('RBAC scopes (enforce_policies)', () => {
  it('keeps the requested scopes the user holds, and every OIDC scope asked for, in request order', () => {
    const d = applyPolicies(['openid', 'write:orders', 'read:orders', 'offline_access', 'delete:orders'], api, [
      'read:orders',
      'write:orders',
    ]);
    expect(d.scopes).toEqual(['openid', 'write:orders', 'read:orders', 'offline_access']);
  });

  it('puts every held permission of the API in permissions, asked for or not, sorted and once', () => {
    const d = applyPolicies(['openid'], api, ['write:orders', 'read:orders', 'write:orders']);
    expect(d).toEqual({ scopes: ['openid'], permissions: ['read:orders', 'write:orders'] });
  });

  it('grants nothing of the API to a user without permissions', () => {
    expect(applyPolicies(['read:orders', 'email'], api, [])).toEqual({ scopes: ['email'], permissions: [] });
  });

  it('ignores permissions and scopes the API does not define (a scope removed since the grant)', () => {
    expect(applyPolicies(['read:orders', 'export:orders', 'profile'], api, ['export:orders', 'read:orders'])).toEqual({
      scopes: ['read:orders', 'profile'],
      permissions: ['read:orders'],
    });
  });
});
