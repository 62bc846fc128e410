import { formActionSource, isAllowedLogoutUrl, registeredRedirectUri } from './redirect-uris.js';

describe('redirect URIs', () => {
  const callbacks = ['https://app.example/cb', 'http://127.0.0.1:5000/callback'];

  it('accepts only an exact registered callback', () => {
    expect(registeredRedirectUri(callbacks, 'https://app.example/cb')).toEqual({ uri: 'https://app.example/cb', given: true });
    expect(registeredRedirectUri(callbacks, 'https://app.example/cb/')).toBeUndefined();
    expect(registeredRedirectUri(callbacks, 'https://app.example/cb?x=1')).toBeUndefined();
    expect(registeredRedirectUri(callbacks, 'https://APP.example/cb')).toBeUndefined();
  });

  it('defaults to the only callback when none is asked', () => {
    expect(registeredRedirectUri(['https://a/cb'], undefined)).toEqual({ uri: 'https://a/cb', given: false });
    expect(registeredRedirectUri(callbacks, undefined)).toBeUndefined();
    expect(registeredRedirectUri([], undefined)).toBeUndefined();
  });

  it('matches logout URLs exactly', () => {
    expect(isAllowedLogoutUrl(['https://app.example/bye'], 'https://app.example/bye')).toBe(true);
    expect(isAllowedLogoutUrl(['https://app.example/bye'], 'https://evil.example/bye')).toBe(false);
  });

  it('derives the CSP form-action source', () => {
    expect(formActionSource('https://app.example:8443/cb?x=1')).toBe('https://app.example:8443');
    expect(formActionSource('com.example.app://callback')).toBe('com.example.app:');
    expect(formActionSource('not a url')).toBeUndefined();
  });
});
