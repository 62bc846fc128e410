import { matchesUserQuery, parseUserQuery, UserSearchError } from './user-search.js';

const ann = {
  user_id: 'auth0|1',
  email: 'ann@example.com',
  email_verified: true,
  name: 'Ann Lee',
  logins_count: 3,
  created_at: '2024-03-01T10:00:00.000Z',
  identities: [{ connection: 'Username-Password-Authentication', provider: 'auth0' }],
  app_metadata: { plan: 'gold' },
};
const bob = { ...ann, user_id: 'auth0|2', email: 'bob@example.org', email_verified: false, name: 'Bob', logins_count: 0, app_metadata: {} };

const hits = (q: string) => [ann, bob].filter((u) => matchesUserQuery(parseUserQuery(q), u)).map((u) => u.user_id);

describe('user search', () => {
  it('matches exact quoted values case-insensitively', () => {
    expect(hits('email:"ANN@example.com"')).toEqual(['auth0|1']);
    expect(hits('email:ann@example.com')).toEqual(['auth0|1']);
  });

  it('supports booleans, prefixes, nested fields, identities and existence', () => {
    expect(hits('email_verified:false')).toEqual(['auth0|2']);
    expect(hits('email:bob*')).toEqual(['auth0|2']);
    expect(hits('app_metadata.plan:gold')).toEqual(['auth0|1']);
    expect(hits('identities.connection:"Username-Password-Authentication"')).toEqual(['auth0|1', 'auth0|2']);
    expect(hits('app_metadata.plan:*')).toEqual(['auth0|1']);
  });

  it('combines with AND, OR, NOT and parentheses; juxtaposition is OR', () => {
    expect(hits('email_verified:true AND name:"ann lee"')).toEqual(['auth0|1']);
    expect(hits('name:bob OR name:"Ann Lee"')).toEqual(['auth0|1', 'auth0|2']);
    expect(hits('name:bob name:"Ann Lee"')).toEqual(['auth0|1', 'auth0|2']);
    expect(hits('NOT name:bob')).toEqual(['auth0|1']);
    expect(hits('(name:bob OR name:x) AND email_verified:false')).toEqual(['auth0|2']);
  });

  it('supports ranges', () => {
    expect(hits('logins_count:[1 TO *]')).toEqual(['auth0|1']);
    expect(hits('logins_count:{0 TO 3}')).toEqual([]);
    expect(hits('created_at:[2024-01-01 TO 2024-12-31]')).toEqual(['auth0|1', 'auth0|2']);
  });

  it('refuses malformed queries', () => {
    expect(() => parseUserQuery('email:"open')).toThrow(UserSearchError);
    expect(() => parseUserQuery('(name:a')).toThrow(UserSearchError);
    expect(() => parseUserQuery('email:*bob')).toThrow(/leading wildcards/);
    expect(() => parseUserQuery('AND')).toThrow(UserSearchError);
    expect(() => parseUserQuery('')).toThrow(UserSearchError);
  });
});
