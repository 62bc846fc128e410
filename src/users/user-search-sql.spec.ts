import { compileUserQuery, userOrderBy } from './user-search-sql.js';
import { parseUserQuery } from './user-search.js';

const compile = (q: string, dialect: 'sqlite' | 'postgres' = 'sqlite') => compileUserQuery(parseUserQuery(q), dialect);

describe('user search compiled to SQL', () => {
  it('passes every value as a parameter, never as SQL text', () => {
    const hostile = `x' OR 1=1 --`;
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const { sql, params } = compile(`name:"${hostile}" OR app_metadata.plan:"${hostile}" OR email:x%_*`, dialect);
      expect(sql).not.toContain('1=1 --');
      expect(Object.values(params)).toEqual(expect.arrayContaining([hostile.toLowerCase(), 'x\\%\\_%']));
    }
  });

  it('matches nothing on fields users do not have, and decides constants and booleans without SQL', () => {
    expect(compile('phone_number:1').sql).toBe('1=0');
    expect(compile('identities.provider:auth0').sql).toBe('1=1');
    expect(compile('identities.isSocial:true').sql).toBe('1=0');
    expect(compile('blocked:true').sql).toBe('u.blocked = TRUE');
    expect(compile('email_verified:*').sql).toBe('1=1');
  });

  it('guards nullable columns so NOT means what the matcher means (no SQL NULL logic)', () => {
    expect(compile('NOT given_name:x').sql).toBe('NOT (u.given_name IS NOT NULL AND lower(u.given_name) = :uq0)');
  });

  it('orders by the field then user_id in one direction, code-unit order on PostgreSQL', () => {
    expect(userOrderBy('name', -1, 'sqlite')).toEqual([
      ['u.name', 'DESC'],
      ['u.user_id', 'DESC'],
    ]);
    expect(userOrderBy('last_login', 1, 'postgres')).toEqual([
      ['u.last_login COLLATE "C"', 'ASC', 'NULLS LAST'],
      ['u.user_id COLLATE "C"', 'ASC'],
    ]);
  });
});
