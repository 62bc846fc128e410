import { parseCookies, serializeCookie, serializeCookies } from './cookies.js';

describe('cookies', () => {
  it('parses pairs, keeping the first of repeated names', () => {
    const c = parseCookies('a=1; b=x%20y; a=2; bad; c="q"');
    expect([...c.entries()]).toEqual([
      ['a', '1'],
      ['b', 'x y'],
      ['c', 'q'],
    ]);
  });

  it('writes HttpOnly, SameSite=Lax cookies, Secure only when asked', () => {
    expect(serializeCookie({ name: 's', value: 'v', maxAge: 60, secure: false })).toBe('s=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=60');
    expect(serializeCookie({ name: 's', value: '', maxAge: 0, secure: true })).toBe(
      's=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure',
    );
  });

  it('writes a cross-site cookie as SameSite=None with a compat copy on https, Lax on http, and reads the copy back', () => {
    expect(serializeCookies({ name: 's', value: 'v', secure: true, crossSite: true })).toEqual([
      's=v; Path=/; HttpOnly; SameSite=None; Secure',
      's_compat=v; Path=/; HttpOnly; Secure',
    ]);
    expect(serializeCookies({ name: 's', value: 'v', secure: false, crossSite: true })).toEqual(['s=v; Path=/; HttpOnly; SameSite=Lax']);
    expect(parseCookies('s_compat=old').get('s')).toBe('old');
    expect(parseCookies('s=new; s_compat=old').get('s')).toBe('new');
  });
});
