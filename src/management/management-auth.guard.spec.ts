import { ManagementError } from '../errors/api-error.js';
import { assertAnyScope, bearerToken, grantedScopes } from './management-auth.guard.js';

function failure(fn: () => unknown): { status: number; errorCode: string; message: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ManagementError);
    const m = e as ManagementError;
    return { status: m.status, errorCode: m.errorCode, message: m.message };
  }
  throw new Error('expected a refusal');
}

describe('Management API guard helpers', () => {
  it('reads a bearer token, the scheme case-insensitively', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('BEARER  a-b_c~d+e/f=')).toBe('a-b_c~d+e/f=');
  });

  it('refuses a missing header with 401 missing_authentication', () => {
    expect(failure(() => bearerToken(undefined))).toEqual({
      status: 401,
      errorCode: 'missing_authentication',
      message: 'Missing authentication',
    });
    expect(failure(() => bearerToken(''))).toEqual({ status: 401, errorCode: 'missing_authentication', message: 'Missing authentication' });
  });

  it.each(['Basic dXNlcjpwdw==', 'Bearer', 'Bearer a b', 'Bearer a,b', 'Token abc', 'Bearerabc'])(
    'refuses the malformed header %j with 401',
    (h) => {
      expect(failure(() => bearerToken(h))).toEqual({
        status: 401,
        errorCode: 'invalid_token',
        message: 'Bad HTTP authentication header format',
      });
    },
  );

  it('reads granted scopes from a space-separated string only', () => {
    expect(grantedScopes('read:a  write:b ')).toEqual(['read:a', 'write:b']);
    expect(grantedScopes(['read:a'])).toEqual([]);
    expect(grantedScopes(undefined)).toEqual([]);
  });

  it('lets a route through when the token holds any of its scopes, else 403 listing them', () => {
    expect(() => assertAnyScope(['read:clients', 'read:client_keys'], ['read:client_keys'])).not.toThrow();
    expect(failure(() => assertAnyScope(['read:clients', 'read:client_keys'], ['read:users']))).toEqual({
      status: 403,
      errorCode: 'insufficient_scope',
      message: 'Insufficient scope, expected any of: read:clients,read:client_keys',
    });
    expect(failure(() => assertAnyScope(['update:tenant_settings'], [])).message).toBe(
      'Insufficient scope, expected any of: update:tenant_settings',
    );
    // Scope matching is exact: a prefix or a wider-sounding scope grants nothing.
    expect(() => assertAnyScope(['read:clients'], ['read:client', 'read:clients:all'])).toThrow(ManagementError);
  });
});
