import { databaseOptionsProblem, defaultDatabaseOptions, passwordHistorySize } from './connection-options.js';

describe('database connection options', () => {
  it("accepts Auth0's defaults and unknown keys as given", () => {
    expect(databaseOptionsProblem(defaultDatabaseOptions())).toBeUndefined();
    expect(databaseOptionsProblem({ mfa: { active: true }, import_mode: false })).toBeUndefined();
  });

  it('refuses values of the options Tessera acts on that it could not apply', () => {
    expect(databaseOptionsProblem({ passwordPolicy: 'strong' })).toMatch(/passwordPolicy/);
    expect(databaseOptionsProblem({ password_complexity_options: { min_length: 0 } })).toMatch(/min_length/);
    expect(databaseOptionsProblem({ password_complexity_options: { min_length: 129 } })).toMatch(/min_length/);
    expect(databaseOptionsProblem({ password_history: { enable: true, size: 25 } })).toMatch(/password_history/);
    expect(databaseOptionsProblem({ password_dictionary: { enable: true, dictionary: [1] } })).toMatch(/password_dictionary/);
    expect(databaseOptionsProblem({ disable_signup: 'yes' })).toMatch(/disable_signup/);
    expect(databaseOptionsProblem({ brute_force_protection: 1 })).toMatch(/brute_force_protection/);
  });

  it('password_history counts only when enabled, capped at 24', () => {
    expect(passwordHistorySize({ password_history: { enable: false, size: 5 } })).toBe(0);
    expect(passwordHistorySize({ password_history: { enable: true, size: 3 } })).toBe(3);
    expect(passwordHistorySize({ password_history: { enable: true } })).toBe(5);
  });
});
