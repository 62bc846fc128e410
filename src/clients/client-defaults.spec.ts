import { defaultGrantTypes, defaultTokenEndpointAuthMethod } from './client-defaults.js';

describe('client defaults by app_type', () => {
  it('registers SPAs and native apps as public clients with the browser flows', () => {
    for (const t of ['spa', 'native'] as const) {
      expect(defaultTokenEndpointAuthMethod(t)).toBe('none');
      expect(defaultGrantTypes(t)).toEqual(['authorization_code', 'implicit', 'refresh_token']);
    }
  });

  it('gives machine-to-machine apps client credentials only', () => {
    expect(defaultTokenEndpointAuthMethod('non_interactive')).toBe('client_secret_post');
    expect(defaultGrantTypes('non_interactive')).toEqual(['client_credentials']);
  });

  it('gives regular web apps and untyped clients the browser flows plus client credentials', () => {
    for (const t of ['regular_web', undefined] as const) {
      expect(defaultTokenEndpointAuthMethod(t)).toBe('client_secret_post');
      expect(defaultGrantTypes(t)).toEqual(['authorization_code', 'implicit', 'refresh_token', 'client_credentials']);
    }
  });

  it('returns a fresh array each time', () => {
    const a = defaultGrantTypes('spa');
    a.push('x');
    expect(defaultGrantTypes('spa')).not.toContain('x');
  });
});
