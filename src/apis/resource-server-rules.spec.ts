import { RuleViolation } from '../errors/api-error.js';
import { normalizeScopes, resolveLifetimes } from './resource-server-rules.js';

describe('resolveLifetimes', () => {
  it("uses Auth0's defaults on create: 86400 and 7200", () => {
    expect(resolveLifetimes(undefined, {})).toEqual({ tokenLifetime: 86400, tokenLifetimeForWeb: 7200 });
  });

  it('keeps the web lifetime within a shorter token lifetime when the web lifetime is not given', () => {
    expect(resolveLifetimes(undefined, { token_lifetime: 600 })).toEqual({ tokenLifetime: 600, tokenLifetimeForWeb: 600 });
    expect(resolveLifetimes({ tokenLifetime: 86400, tokenLifetimeForWeb: 7200 }, { token_lifetime: 3600 })).toEqual({
      tokenLifetime: 3600,
      tokenLifetimeForWeb: 3600,
    });
    expect(resolveLifetimes({ tokenLifetime: 3600, tokenLifetimeForWeb: 3600 }, { token_lifetime: 86400 })).toEqual({
      tokenLifetime: 86400,
      tokenLifetimeForWeb: 3600,
    });
  });

  it('refuses a given web lifetime above the token lifetime', () => {
    expect(() => resolveLifetimes(undefined, { token_lifetime: 3600, token_lifetime_for_web: 7200 })).toThrow(
      RuleViolation.payload('token_lifetime_for_web (7200) cannot be greater than token_lifetime (3600)'),
    );
    expect(() => resolveLifetimes({ tokenLifetime: 3600, tokenLifetimeForWeb: 600 }, { token_lifetime_for_web: 3601 })).toThrow(
      RuleViolation,
    );
    expect(resolveLifetimes({ tokenLifetime: 3600, tokenLifetimeForWeb: 600 }, { token_lifetime_for_web: 3600 })).toEqual({
      tokenLifetime: 3600,
      tokenLifetimeForWeb: 3600,
    });
  });
});

describe('normalizeScopes', () => {
  it('keeps descriptions only when given and refuses duplicate values', () => {
    expect(normalizeScopes([{ value: 'a', description: 'A' }, { value: 'b' }])).toEqual([{ value: 'a', description: 'A' }, { value: 'b' }]);
    expect(() => normalizeScopes([{ value: 'a' }, { value: 'a', description: 'again' }])).toThrow(
      'scopes must have unique values; "a" appears more than once',
    );
  });
});
