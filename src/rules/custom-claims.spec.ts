import { applyScopeChanges, customClaimsFit, foldCustomClaims } from './custom-claims.js';

describe('foldCustomClaims', () => {
  it('lets a later call win and keeps namespaced and private claims', () => {
    expect(
      foldCustomClaims(
        [
          ['https://example.com/role', 'user'],
          ['plan', 'free'],
          ['https://example.com/role', 'admin'],
        ],
        'access_token',
      ),
    ).toEqual({ 'https://example.com/role': 'admin', plan: 'free' });
  });

  it('ignores restricted claims, undefined values and prototype keys', () => {
    const calls: [string, unknown][] = [
      ['sub', 'auth0|evil'],
      ['iss', 'https://evil/'],
      ['aud', 'x'],
      ['scope', 'admin'],
      ['permissions', ['*']],
      ['gty', 'password'],
      ['org_id', 'org_1'],
      ['azp', 'c'],
      ['nonce', 'n'],
      ['roles', ['admin']],
      ['__proto__', { polluted: true }],
      ['gone', undefined],
      ['kept', 1],
    ];
    const claims = foldCustomClaims(calls, 'access_token');
    expect(claims).toEqual({ kept: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps the OIDC standard claims out of ID tokens only', () => {
    const calls: [string, unknown][] = [
      ['email', 'someone@else.example'],
      ['name', 'Not You'],
      ['email_verified', true],
      ['https://example.com/email', 'ok'],
    ];
    expect(foldCustomClaims(calls, 'id_token')).toEqual({ 'https://example.com/email': 'ok' });
    expect(foldCustomClaims(calls, 'access_token')).toEqual({
      email: 'someone@else.example',
      name: 'Not You',
      email_verified: true,
      'https://example.com/email': 'ok',
    });
  });

  it('measures the 100 KB limit', () => {
    expect(customClaimsFit({ a: 'x'.repeat(1000) })).toBe(true);
    expect(customClaimsFit({ a: 'x'.repeat(101 * 1024) })).toBe(false);
  });
});

describe('applyScopeChanges', () => {
  it('adds and removes in order, without duplicates', () => {
    expect(
      applyScopeChanges(
        ['openid', 'read:a'],
        [
          ['add', 'write:a'],
          ['add', 'write:a'],
          ['remove', 'read:a'],
          ['remove', 'missing'],
          ['add', 'bad scope'],
        ],
      ),
    ).toEqual(['openid', 'write:a']);
  });
});
