/**
 * A database connection's password policy, as Auth0 documents its options: `passwordPolicy` (none, low,
 * fair, good, excellent), `password_complexity_options.min_length`, `password_dictionary`,
 * `password_no_personal_info`. (`password_history` needs the stored hashes: the users module checks it.)
 */

/** A bound on input fed to the password hash; far above anything a person types. */
export const PASSWORD_MAX_LENGTH = 128;

export const POLICY_LEVELS = ['none', 'low', 'fair', 'good', 'excellent'] as const;
export type PolicyLevel = (typeof POLICY_LEVELS)[number];

/** The policy-related part of a connection's `options`. */
export interface PasswordPolicyOptions {
  passwordPolicy?: PolicyLevel | null;
  password_complexity_options?: { min_length?: number } | null;
  password_dictionary?: { enable?: boolean; dictionary?: string[] } | null;
  password_no_personal_info?: { enable?: boolean } | null;
}

/** What the policy may compare a password against (password_no_personal_info). */
export interface PersonalInfo {
  email?: string | null;
  name?: string | null;
  nickname?: string | null;
  username?: string | null;
  given_name?: string | null;
  family_name?: string | null;
  user_metadata?: Record<string, unknown> | null;
}

const CLASSES: { name: string; test: RegExp }[] = [
  { name: 'lower case letters (a-z)', test: /[a-z]/ },
  { name: 'upper case letters (A-Z)', test: /[A-Z]/ },
  { name: 'numbers (i.e. 0-9)', test: /[0-9]/ },
  { name: 'special characters (e.g. !@#$%^&*)', test: /[ !"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/ },
];

/** Auth0's levels: the minimum length and the character rules each adds. */
const LEVELS: Record<PolicyLevel, { minLength: number; rule: 'none' | 'fair' | 'three_of_four'; noRepeats: boolean }> = {
  none: { minLength: 1, rule: 'none', noRepeats: false },
  low: { minLength: 6, rule: 'none', noRepeats: false },
  fair: { minLength: 8, rule: 'fair', noRepeats: false },
  good: { minLength: 8, rule: 'three_of_four', noRepeats: false },
  excellent: { minLength: 10, rule: 'three_of_four', noRepeats: true },
};

/**
 * A small built-in list of the most used passwords, refused when `password_dictionary.enable` is on
 * (together with the connection's own `dictionary`). Compared case-insensitively.
 */
const COMMON_PASSWORDS = new Set([
  '123456',
  '123456789',
  '12345678',
  'password',
  'qwerty',
  '12345',
  '1234567',
  '111111',
  '123123',
  'abc123',
  'password1',
  'password123',
  'passw0rd',
  'p@ssw0rd',
  'p@ssword1',
  'qwerty123',
  'qwertyuiop',
  'iloveyou',
  'admin',
  'admin123',
  'welcome',
  'welcome1',
  'welcome123',
  'letmein',
  'monkey',
  'dragon',
  'football',
  'baseball',
  'sunshine',
  'princess',
  'trustno1',
  'superman',
  'starwars',
  'whatever',
  'shadow',
  'master',
  'michael',
  'changeme',
  'secret',
  'summer2024',
  'winter2024',
  '1q2w3e4r',
  '1qaz2wsx',
  'zaq12wsx',
  'asdfghjkl',
  'azerty',
  '000000',
  '654321',
  'hello123',
]);

export function isPolicyLevel(v: unknown): v is PolicyLevel {
  return typeof v === 'string' && (POLICY_LEVELS as readonly string[]).includes(v);
}

function levelOf(options: PasswordPolicyOptions): PolicyLevel {
  return isPolicyLevel(options.passwordPolicy) ? options.passwordPolicy : options.passwordPolicy === null ? 'none' : 'good';
}

function minLengthOf(options: PasswordPolicyOptions): number {
  const custom = options.password_complexity_options?.min_length;
  return typeof custom === 'number' && custom >= 1 ? Math.min(custom, PASSWORD_MAX_LENGTH) : LEVELS[levelOf(options)].minLength;
}

/** The policy in words, as the error and the sign-up page state it. */
export function passwordPolicyText(options: PasswordPolicyOptions = {}): string {
  const level = LEVELS[levelOf(options)];
  const parts = [`at least ${minLengthOf(options)} characters`];
  if (level.rule === 'fair') {
    parts.push(
      `containing ${CLASSES.slice(0, 3)
        .map((c) => c.name)
        .join(', ')}`,
    );
  } else if (level.rule === 'three_of_four') {
    parts.push(`containing at least 3 of the following 4 types of characters: ${CLASSES.map((c) => c.name).join(', ')}`);
  }
  if (level.noRepeats) {
    parts.push('with no more than 2 identical characters in a row');
  }
  return parts.join(', ');
}

/** Why `password` breaks the policy, or undefined when it complies. */
export function passwordPolicyViolation(password: string, options: PasswordPolicyOptions = {}, who: PersonalInfo = {}): string | undefined {
  if (password.length > PASSWORD_MAX_LENGTH) {
    return `Password is too long: at most ${PASSWORD_MAX_LENGTH} characters`;
  }
  const level = LEVELS[levelOf(options)];
  const classes = CLASSES.map((c) => c.test.test(password));
  const weak =
    password.length < minLengthOf(options) ||
    (level.rule === 'fair' && !(classes[0] && classes[1] && classes[2])) ||
    (level.rule === 'three_of_four' && classes.filter(Boolean).length < 3) ||
    (level.noRepeats && /(.)\1\1/u.test(password));
  if (weak) {
    return `Password is too weak: it must have ${passwordPolicyText(options)}`;
  }
  if (options.password_dictionary?.enable) {
    const lower = password.toLowerCase();
    const own = (options.password_dictionary.dictionary ?? []).map((w) => String(w).toLowerCase());
    if (COMMON_PASSWORDS.has(lower) || own.includes(lower)) {
      return 'Password is too common: it is in the dictionary of passwords this connection refuses';
    }
  }
  if (options.password_no_personal_info?.enable && containsPersonalInfo(password, who)) {
    return 'Password contains user information: it must not contain your name, username, nickname or the first part of your email';
  }
  return undefined;
}

/** Auth0: the name, username, nickname, user_metadata name/first/last, and the email's local part. */
function containsPersonalInfo(password: string, who: PersonalInfo): boolean {
  const meta = who.user_metadata ?? {};
  const values = [
    who.name,
    who.username,
    who.nickname,
    who.given_name,
    who.family_name,
    who.email?.split('@')[0],
    meta.name,
    meta.first,
    meta.last,
  ];
  const lower = password.toLowerCase();
  return values.some((v) => typeof v === 'string' && v.length >= 3 && lower.includes(v.toLowerCase()));
}
