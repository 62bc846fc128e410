import { readImportRow, rowWithoutSecrets } from './user-import.js';

describe('readImportRow', () => {
  it('reads Auth0 bulk-import fields, lower-cases the e-mail and drops the auth0| prefix of user_id', () => {
    const r = readImportRow({
      email: 'Ann@Example.com',
      email_verified: true,
      user_id: 'auth0|abc',
      given_name: 'Ann',
      blocked: false,
      app_metadata: { tier: 1 },
      password_hash: '$2b$10$' + 'a'.repeat(53),
    });
    expect(r).toEqual({
      user: expect.objectContaining({
        email: 'ann@example.com',
        emailVerified: true,
        id: 'abc',
        givenName: 'Ann',
        blocked: false,
        appMetadata: { tier: 1 },
        hash: { algorithm: 'bcrypt', hash: { value: '$2b$10$' + 'a'.repeat(53), encoding: 'utf8' } },
      }),
    });
  });

  it('reports every problem of a row at once, with Auth0 job error codes and paths', () => {
    const r = readImportRow({ email: 'nope', name: 5, blocked: 'yes', user_metadata: [], mfa_factors: [] });
    expect('errors' in r && r.errors.map((e) => [e.code, e.path])).toEqual([
      ['OBJECT_ADDITIONAL_PROPERTIES', 'mfa_factors'],
      ['INVALID_FORMAT', 'email'],
      ['INVALID_TYPE', 'name'],
      ['INVALID_TYPE', 'blocked'],
      ['INVALID_TYPE', 'user_metadata'],
    ]);
    expect(readImportRow({})).toEqual({ errors: [expect.objectContaining({ code: 'OBJECT_MISSING_REQUIRED_PROPERTY', path: 'email' })] });
    expect(readImportRow([1])).toEqual({ errors: [expect.objectContaining({ code: 'INVALID_TYPE' })] });
    expect(readImportRow({ email: 'a@b.co', user_id: 'auth0|' })).toEqual({ errors: [expect.objectContaining({ path: 'user_id' })] });
    expect(readImportRow({ email: 'a@b.co', custom_password_hash: { algorithm: 'crc32', hash: { value: 'x' } } })).toEqual({
      errors: [expect.objectContaining({ code: 'ENUM_MISMATCH', path: 'custom_password_hash.algorithm' })],
    });
  });

  it('shows a failed row without its hashes', () => {
    expect(rowWithoutSecrets({ email: 'a@b.co', password_hash: 'x', custom_password_hash: {}, name: 'A' })).toEqual({
      email: 'a@b.co',
      name: 'A',
    });
    expect(rowWithoutSecrets('text')).toEqual({});
  });
});
