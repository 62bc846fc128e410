import { clientAllowsOrigin, isSameOrigin, originMatches, webMessageOriginAllowed } from './browser-origins.js';

describe('browser origins', () => {
  it('matches an exact origin, a URL with a path by its origin, and nothing else', () => {
    expect(originMatches('https://app.example.com', 'https://app.example.com')).toBe(true);
    expect(originMatches('https://app.example.com/callback?x=1', 'https://app.example.com')).toBe(true);
    expect(originMatches('https://app.example.com', 'http://app.example.com')).toBe(false);
    expect(originMatches('https://app.example.com', 'https://app.example.com:8443')).toBe(false);
    expect(originMatches('http://localhost:3000', 'http://localhost:3001')).toBe(false);
    expect(originMatches('https://app.example.com', 'https://app.example.com.evil.com')).toBe(false);
    expect(originMatches('https://app.example.com', 'https://app.example.com/path')).toBe(false);
    expect(originMatches('https://app.example.com', 'null')).toBe(false);
    expect(originMatches('com.example.app://callback', 'com.example.app://callback')).toBe(false);
  });

  it('matches a wildcard subdomain with the same scheme and port, but not the bare domain or a look-alike', () => {
    expect(originMatches('https://*.example.com', 'https://a.example.com')).toBe(true);
    expect(originMatches('https://*.example.com/cb', 'https://a.b.example.com')).toBe(true);
    expect(originMatches('https://*.example.com', 'https://example.com')).toBe(false);
    expect(originMatches('https://*.example.com', 'https://evilexample.com')).toBe(false);
    expect(originMatches('https://*.example.com', 'http://a.example.com')).toBe(false);
    expect(originMatches('https://*.example.com', 'https://a.example.com:444')).toBe(false);
    expect(originMatches('http://*.example.com:8080', 'http://a.example.com:8080')).toBe(true);
  });

  it('allows a client the origins of its callbacks, web_origins and allowed_origins', () => {
    const client = {
      callbacks: ['https://cb.example.com/callback'],
      webOrigins: ['https://web.example.com'],
      allowedOrigins: ['https://*.cors.example.com'],
    };
    expect(clientAllowsOrigin(client, 'https://cb.example.com')).toBe(true);
    expect(clientAllowsOrigin(client, 'https://web.example.com')).toBe(true);
    expect(clientAllowsOrigin(client, 'https://x.cors.example.com')).toBe(true);
    expect(clientAllowsOrigin(client, 'https://other.example.com')).toBe(false);
  });

  it('posts web messages only to web_origins', () => {
    expect(webMessageOriginAllowed(['https://web.example.com'], 'https://web.example.com')).toBe(true);
    expect(webMessageOriginAllowed(['https://web.example.com'], 'https://cb.example.com')).toBe(false);
  });

  it('recognises a same-origin request by the Host it was sent to', () => {
    expect(isSameOrigin('http://127.0.0.1:3000', '127.0.0.1:3000')).toBe(true);
    expect(isSameOrigin('http://127.0.0.1:3001', '127.0.0.1:3000')).toBe(false);
  });
});
