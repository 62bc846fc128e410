import { OAuthError } from '../errors/api-error.js';
import { readOAuthParams, splitScope } from './oauth-params.js';

describe('readOAuthParams', () => {
  const allowed = ['grant_type', 'scope'];

  it('keeps allowed parameters and ignores unknown ones', () => {
    const p = readOAuthParams({ grant_type: 'client_credentials', other: 'x' }, allowed);
    expect([...p.entries()]).toEqual([['grant_type', 'client_credentials']]);
  });

  it('refuses repeated parameters', () => {
    expect(() => readOAuthParams({ scope: ['a', 'b'] }, allowed)).toThrow(OAuthError);
  });

  it('refuses non-string values', () => {
    expect(() => readOAuthParams({ scope: 3 }, allowed)).toThrow('Parameter "scope" must be a string');
  });

  it('refuses non-object bodies', () => {
    expect(() => readOAuthParams([1], allowed)).toThrow(OAuthError);
  });

  it('treats empty values as absent', () => {
    expect(readOAuthParams({ scope: '' }, allowed).has('scope')).toBe(false);
  });
});

describe('splitScope', () => {
  it('splits on white space and drops duplicates', () => {
    expect(splitScope(' read:a  write:b read:a ')).toEqual(['read:a', 'write:b']);
    expect(splitScope(undefined)).toEqual([]);
  });
});
