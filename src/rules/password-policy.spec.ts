import { passwordPolicyViolation } from './password-policy.js';

describe('password policy', () => {
  it('accepts 8+ characters with 3 of 4 character classes', () => {
    expect(passwordPolicyViolation('Passw0rd')).toBeUndefined();
    expect(passwordPolicyViolation('passw0rd!')).toBeUndefined();
    expect(passwordPolicyViolation('correct horse Battery')).toBeUndefined();
  });

  it('refuses short passwords and passwords with too few classes, saying what is required', () => {
    expect(passwordPolicyViolation('Pa0!')).toMatch(/^Password is too weak: it must have at least 8 characters/);
    expect(passwordPolicyViolation('password')).toMatch(/at least 3 of the following 4 types/);
    expect(passwordPolicyViolation('password123')).toMatch(/too weak/);
  });

  it('bounds the length', () => {
    expect(passwordPolicyViolation(`Aa1!${'x'.repeat(200)}`)).toMatch(/too long/);
  });
});
