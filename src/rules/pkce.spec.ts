import { RuleViolation } from '../errors/api-error.js';
import { constantTimeEqual, sha256 } from '../keys/random.js';
import { assertPkceRequest, pkceVerifierMatches } from './pkce.js';

// RFC 7636 Appendix B.
const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('PKCE', () => {
  it('matches the RFC 7636 example', () => {
    expect(sha256(verifier)).toBe(challenge);
    expect(pkceVerifierMatches(challenge, verifier, sha256, constantTimeEqual)).toBe(true);
  });

  it('refuses a wrong, missing or malformed verifier', () => {
    expect(pkceVerifierMatches(challenge, verifier.replace('d', 'e'), sha256, constantTimeEqual)).toBe(false);
    expect(pkceVerifierMatches(challenge, undefined, sha256, constantTimeEqual)).toBe(false);
    // The plain value of the challenge is not a verifier of itself.
    expect(pkceVerifierMatches(challenge, challenge, sha256, constantTimeEqual)).toBe(false);
    expect(pkceVerifierMatches(challenge, 'short', sha256, constantTimeEqual)).toBe(false);
    expect(pkceVerifierMatches(challenge, `${verifier} `, sha256, constantTimeEqual)).toBe(false);
  });

  it('requires PKCE from public clients only', () => {
    expect(() => assertPkceRequest(undefined, undefined, true)).toThrow(/Public clients must use PKCE/);
    expect(() => assertPkceRequest(undefined, undefined, false)).not.toThrow();
    expect(() => assertPkceRequest(challenge, 'S256', true)).not.toThrow();
  });

  it('accepts only S256 with a well-formed challenge', () => {
    expect(() => assertPkceRequest(challenge, 'plain', false)).toThrow(RuleViolation);
    expect(() => assertPkceRequest(challenge, undefined, false)).toThrow(/must be S256/);
    expect(() => assertPkceRequest(challenge, 's256', false)).toThrow(/Unsupported/);
    expect(() => assertPkceRequest('abc', 'S256', false)).toThrow(/43 characters/);
    expect(() => assertPkceRequest(undefined, 'S256', false)).toThrow(/without code_challenge/);
  });
});
