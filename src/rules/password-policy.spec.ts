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

describe("password policy levels (Auth0's none, low, fair, good, excellent)", () => {
  it('none takes any non-empty password; low needs 6 characters', () => {
    expect(passwordPolicyViolation('a', { passwordPolicy: 'none' })).toBeUndefined();
    expect(passwordPolicyViolation('', { passwordPolicy: 'none' })).toMatch(/at least 1 characters/);
    expect(passwordPolicyViolation('abcde', { passwordPolicy: 'low' })).toMatch(/at least 6 characters/);
    expect(passwordPolicyViolation('abcdef', { passwordPolicy: 'low' })).toBeUndefined();
  });

  it('fair needs lower case, upper case and numbers', () => {
    expect(passwordPolicyViolation('abcdefgh1', { passwordPolicy: 'fair' })).toMatch(/too weak/);
    expect(passwordPolicyViolation('Abcdefgh1', { passwordPolicy: 'fair' })).toBeUndefined();
    expect(passwordPolicyViolation('Abcdefgh!', { passwordPolicy: 'fair' })).toMatch(/too weak/);
  });

  it('excellent needs 10 characters and no more than 2 identical characters in a row', () => {
    expect(passwordPolicyViolation('Abcdef12!', { passwordPolicy: 'excellent' })).toMatch(/at least 10 characters/);
    expect(passwordPolicyViolation('Abcdef12!x', { passwordPolicy: 'excellent' })).toBeUndefined();
    expect(passwordPolicyViolation('Abcdef12!xxx', { passwordPolicy: 'excellent' })).toMatch(/identical characters/);
  });

  it('min_length overrides the level length', () => {
    expect(passwordPolicyViolation('abcdefghijk', { passwordPolicy: 'low', password_complexity_options: { min_length: 12 } })).toMatch(
      /at least 12/,
    );
    expect(passwordPolicyViolation('Ab1!', { passwordPolicy: 'good', password_complexity_options: { min_length: 4 } })).toBeUndefined();
  });

  it('the dictionary refuses common and listed passwords, case-insensitively', () => {
    const options = { passwordPolicy: 'none' as const, password_dictionary: { enable: true, dictionary: ['Tessera2024'] } };
    expect(passwordPolicyViolation('Password123', options)).toMatch(/too common/);
    expect(passwordPolicyViolation('tessera2024', options)).toMatch(/too common/);
    expect(passwordPolicyViolation('unusual-phrase', options)).toBeUndefined();
    expect(passwordPolicyViolation('Password123', { passwordPolicy: 'none' })).toBeUndefined();
  });

  it('password_no_personal_info refuses the name, nickname and the e-mail local part', () => {
    const options = { passwordPolicy: 'none' as const, password_no_personal_info: { enable: true } };
    const who = { email: 'marguerite@example.com', name: 'Margo Stone', nickname: 'mags', user_metadata: { first: 'Marguerite' } };
    expect(passwordPolicyViolation('xxMARGUERITExx', options, who)).toMatch(/user information/);
    expect(passwordPolicyViolation('I-am-mags-99', options, who)).toMatch(/user information/);
    expect(passwordPolicyViolation('Correct-Horse-9', options, who)).toBeUndefined();
    expect(passwordPolicyViolation('xxMARGUERITExx', { passwordPolicy: 'none' }, who)).toBeUndefined();
  });
});
