/**
 * The database connection's password policy: Auth0's "good" level, the default for new connections.
 * At least 8 characters and at least 3 of the 4 character classes.
 */

export const PASSWORD_MIN_LENGTH = 8;
/** A bound on input fed to the password hash; far above anything a person types. */
export const PASSWORD_MAX_LENGTH = 128;

const CLASSES: { name: string; test: RegExp }[] = [
  { name: 'lower case letters (a-z)', test: /[a-z]/ },
  { name: 'upper case letters (A-Z)', test: /[A-Z]/ },
  { name: 'numbers (i.e. 0-9)', test: /[0-9]/ },
  { name: 'special characters (e.g. !@#$%^&*)', test: /[ !"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/ },
];

export const PASSWORD_POLICY_TEXT =
  `at least ${PASSWORD_MIN_LENGTH} characters, containing at least 3 of the following 4 types of characters: ` +
  CLASSES.map((c) => c.name).join(', ');

/** Why `password` breaks the policy, or undefined when it complies. */
export function passwordPolicyViolation(password: string): string | undefined {
  if (password.length > PASSWORD_MAX_LENGTH) {
    return `Password is too long: at most ${PASSWORD_MAX_LENGTH} characters`;
  }
  const classes = CLASSES.filter((c) => c.test.test(password)).length;
  if (password.length < PASSWORD_MIN_LENGTH || classes < 3) {
    return `Password is too weak: it must have ${PASSWORD_POLICY_TEXT}`;
  }
  return undefined;
}
