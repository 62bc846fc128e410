import { chooseResponseMode, defaultResponseMode, parseResponseType, responseModeProblem } from './response-types.js';

describe('response types', () => {
  it('parses every supported combination in any order', () => {
    expect(parseResponseType('code')).toEqual({ code: true, token: false, idToken: false });
    expect(parseResponseType('token id_token')).toEqual({ code: false, token: true, idToken: true });
    expect(parseResponseType('id_token code token')).toEqual({ code: true, token: true, idToken: true });
  });

  it('refuses unknown, repeated and empty words', () => {
    for (const bad of ['none', 'code code', 'code  token', '', 'code device', 'Code']) {
      expect(parseResponseType(bad)).toBeUndefined();
    }
  });

  it('defaults to the query for a code and the fragment for tokens, and never puts tokens in the query', () => {
    expect(defaultResponseMode(parseResponseType('code')!)).toBe('query');
    expect(defaultResponseMode(parseResponseType('code id_token')!)).toBe('fragment');
    expect(defaultResponseMode(parseResponseType('token')!)).toBe('fragment');
    expect(responseModeProblem(parseResponseType('id_token')!, 'query')).toMatch(/not allowed/);
    expect(responseModeProblem(parseResponseType('id_token')!, 'form_post')).toBeUndefined();
    expect(responseModeProblem(parseResponseType('code')!, 'web_message')).toBeUndefined();
  });

  it('chooses the mode errors go back in: the requested one when usable, else the default', () => {
    expect(chooseResponseMode('code', undefined)).toEqual({ mode: 'query' });
    expect(chooseResponseMode('code', 'web_message')).toEqual({ mode: 'web_message' });
    expect(chooseResponseMode('id_token', 'form_post')).toEqual({ mode: 'form_post' });
    expect(chooseResponseMode('id_token', 'query')).toEqual({ mode: 'fragment', problem: expect.stringMatching(/query/) });
    expect(chooseResponseMode('token', 'bogus')).toEqual({ mode: 'fragment', problem: 'Unsupported response_mode: bogus' });
    expect(chooseResponseMode(undefined, undefined)).toEqual({ mode: 'query' });
  });
});
