import { accessTokenShape, type ShapeApi, USERINFO_TOKEN_LIFETIME } from './access-token-shape.js';

const userinfoAudience = 'https://tenant.example/userinfo';
const api: ShapeApi = {
  name: 'Orders',
  identifier: 'https://orders',
  signingAlg: 'RS256',
  tokenDialect: 'access_token',
  accessTokenFormat: 'jwt',
  encrypted: false,
  tokenLifetime: 86400,
  tokenLifetimeForWeb: 7200,
};
const user = { openid: true, web: false, userinfoAudience };

describe('accessTokenShape', () => {
  it("gives only /userinfo an opaque userinfo token with Auth0's lifetime", () => {
    expect(accessTokenShape(undefined, user)).toEqual({ format: 'userinfo', aud: userinfoAudience, expiresIn: USERINFO_TOKEN_LIFETIME });
  });

  it('gives an RS256 API a JWT with [api, userinfo] when openid is asked', () => {
    expect(accessTokenShape(api, user)).toEqual({
      format: 'jwt',
      aud: ['https://orders', userinfoAudience],
      expiresIn: 86400,
      alg: 'RS256',
      typ: 'JWT',
      clientIdClaim: false,
      permissionsClaim: false,
    });
    expect(accessTokenShape(api, { ...user, openid: false }).aud).toBe('https://orders');
  });

  it('keeps HS256 and encrypted tokens to one audience, and nests encrypted ones', () => {
    expect(accessTokenShape({ ...api, signingAlg: 'HS256' }, user)).toMatchObject({ format: 'jwt', aud: 'https://orders', alg: 'HS256' });
    expect(accessTokenShape({ ...api, encrypted: true }, user)).toMatchObject({ format: 'nested-jwe', aud: 'https://orders' });
  });

  it('makes opaque APIs reference tokens', () => {
    expect(accessTokenShape({ ...api, accessTokenFormat: 'opaque' }, user).format).toBe('opaque');
  });

  it('follows the dialect: at+jwt and client_id for RFC 9068, permissions for the authz dialects', () => {
    expect(accessTokenShape({ ...api, tokenDialect: 'rfc9068_profile' }, user)).toMatchObject({
      typ: 'at+jwt',
      clientIdClaim: true,
      permissionsClaim: false,
    });
    expect(accessTokenShape({ ...api, tokenDialect: 'rfc9068_profile_authz' }, user)).toMatchObject({
      typ: 'at+jwt',
      permissionsClaim: true,
    });
    expect(accessTokenShape({ ...api, tokenDialect: 'access_token_authz' }, user)).toMatchObject({
      typ: 'JWT',
      clientIdClaim: false,
      permissionsClaim: true,
    });
  });

  it('uses token_lifetime_for_web for browser flows', () => {
    expect(accessTokenShape(api, { ...user, web: true }).expiresIn).toBe(7200);
  });
});
