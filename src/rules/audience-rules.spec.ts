import { OAuthError, RuleViolation } from '../errors/api-error.js';
import { accessTokenAudience, assertCanBeDefaultAudience, resolveAudience, singleAudienceReason } from './audience-rules.js';

const rs = { name: 'Orders', identifier: 'https://orders', signingAlg: 'RS256' };
const ps = { name: 'Pay', identifier: 'https://pay', signingAlg: 'PS256' };
const hs = { name: 'Legacy', identifier: 'https://legacy', signingAlg: 'HS256' };
const userinfo = 'https://tenant.example/userinfo';

describe('audience rules', () => {
  it('allows RS256 and PS256 APIs to be the default audience', () => {
    expect(() => assertCanBeDefaultAudience(rs)).not.toThrow();
    expect(() => assertCanBeDefaultAudience(ps)).not.toThrow();
  });

  it('refuses an HS256 API as default audience, naming it and the fix', () => {
    expect(() => assertCanBeDefaultAudience(hs)).toThrow(RuleViolation);
    expect(() => assertCanBeDefaultAudience(hs)).toThrow(/"Legacy" \(https:\/\/legacy\).*HS256.*RS256 or PS256/);
  });

  it('refuses an encrypted API as default audience', () => {
    expect(() => assertCanBeDefaultAudience({ ...rs, encrypted: true })).toThrow(/encrypted tokens/);
  });

  it('gives [api, userinfo] only to asymmetric, unencrypted APIs with openid', () => {
    expect(accessTokenAudience(rs, true, userinfo)).toEqual(['https://orders', userinfo]);
    expect(accessTokenAudience(ps, true, userinfo)).toEqual(['https://pay', userinfo]);
    expect(accessTokenAudience(rs, false, userinfo)).toBe('https://orders');
    expect(accessTokenAudience(hs, true, userinfo)).toBe('https://legacy');
    expect(accessTokenAudience({ ...rs, encrypted: true }, true, userinfo)).toBe('https://orders');
  });

  it('names a reason only for single-audience APIs', () => {
    expect(singleAudienceReason(rs)).toBeUndefined();
    expect(singleAudienceReason(hs)).toMatch(/HS256/);
  });
});

describe('resolveAudience', () => {
  const apis = new Map([[rs.identifier, rs]]);
  const findApi = async (identifier: string) => apis.get(identifier);

  it('takes audience, else resource, else the Default Audience', async () => {
    await expect(resolveAudience({ audience: rs.identifier, defaultAudience: '', findApi })).resolves.toEqual({
      identifier: rs.identifier,
      api: rs,
    });
    await expect(resolveAudience({ resource: rs.identifier, defaultAudience: '', findApi })).resolves.toEqual({
      identifier: rs.identifier,
      api: rs,
    });
    await expect(resolveAudience({ defaultAudience: rs.identifier, findApi })).resolves.toEqual({ identifier: rs.identifier, api: rs });
    await expect(resolveAudience({ defaultAudience: '', findApi })).resolves.toBeUndefined();
  });

  it('resolves the userinfo audience to no API only where the caller names it', async () => {
    await expect(
      resolveAudience({ audience: userinfo, defaultAudience: '', userinfoAudience: userinfo, findApi }),
    ).resolves.toBeUndefined();
    await expect(resolveAudience({ audience: userinfo, defaultAudience: '', findApi })).rejects.toMatchObject({
      status: 403,
      error: 'access_denied',
    });
  });

  it("refuses two different APIs and an unknown one with Auth0's errors", async () => {
    const both = resolveAudience({ audience: rs.identifier, resource: 'https://other', defaultAudience: '', findApi });
    await expect(both).rejects.toBeInstanceOf(OAuthError);
    await expect(both).rejects.toMatchObject({ status: 400, error: 'invalid_request' });
    await expect(resolveAudience({ audience: 'https://nope', defaultAudience: '', findApi })).rejects.toThrow(
      'Service not found: https://nope',
    );
  });
});
