import { isPolicyLevel, type PasswordPolicyOptions } from '../rules/password-policy.js';

/** The options of a database connection Tessera acts on; every other key is kept and returned as given. */
export interface DatabaseConnectionOptions extends PasswordPolicyOptions {
  password_history?: { enable?: boolean; size?: number } | null;
  disable_signup?: boolean;
  requires_username?: boolean;
  brute_force_protection?: boolean;
  [key: string]: unknown;
}

/** A new database connection's options: Auth0's defaults. */
export function defaultDatabaseOptions(): DatabaseConnectionOptions {
  return {
    passwordPolicy: 'good',
    password_history: { enable: false, size: 5 },
    password_no_personal_info: { enable: false },
    password_dictionary: { enable: false, dictionary: [] },
    brute_force_protection: true,
    disable_signup: false,
    requires_username: false,
    strategy_version: 2,
  };
}

/** Auth0 keeps up to 24 previous passwords. */
export const MAX_PASSWORD_HISTORY = 24;

/** Why `options` cannot be a database connection's options, or undefined. Only the keys Tessera acts on are checked. */
export function databaseOptionsProblem(options: Record<string, unknown>): string | undefined {
  const o = options as DatabaseConnectionOptions;
  if (o.passwordPolicy !== undefined && o.passwordPolicy !== null && !isPolicyLevel(o.passwordPolicy)) {
    return `options.passwordPolicy must be one of none, low, fair, good, excellent`;
  }
  const min = o.password_complexity_options?.min_length;
  if (
    o.password_complexity_options != null &&
    (typeof o.password_complexity_options !== 'object' || (min !== undefined && !isIntIn(min, 1, 128)))
  ) {
    return 'options.password_complexity_options.min_length must be an integer from 1 to 128';
  }
  const h = o.password_history;
  if (
    h != null &&
    (typeof h !== 'object' ||
      (h.enable !== undefined && typeof h.enable !== 'boolean') ||
      (h.size !== undefined && !isIntIn(h.size, 1, MAX_PASSWORD_HISTORY)))
  ) {
    return `options.password_history must be {enable: boolean, size: 1..${MAX_PASSWORD_HISTORY}}`;
  }
  const d = o.password_dictionary;
  if (
    d != null &&
    (typeof d !== 'object' ||
      (d.enable !== undefined && typeof d.enable !== 'boolean') ||
      (d.dictionary !== undefined &&
        (!Array.isArray(d.dictionary) || d.dictionary.length > 2000 || d.dictionary.some((w) => typeof w !== 'string' || w.length > 50))))
  ) {
    return 'options.password_dictionary must be {enable: boolean, dictionary: [up to 2000 strings of at most 50 characters]}';
  }
  const p = o.password_no_personal_info;
  if (p != null && (typeof p !== 'object' || (p.enable !== undefined && typeof p.enable !== 'boolean'))) {
    return 'options.password_no_personal_info must be {enable: boolean}';
  }
  for (const key of ['disable_signup', 'requires_username', 'brute_force_protection'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') {
      return `options.${key} must be a boolean`;
    }
  }
  if (JSON.stringify(options).length > 65536) {
    return 'options is too large';
  }
  return undefined;
}

function isIntIn(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

/** The number of previous passwords a new one must differ from (0: no history). */
export function passwordHistorySize(options: DatabaseConnectionOptions): number {
  return options.password_history?.enable ? Math.min(options.password_history.size ?? 5, MAX_PASSWORD_HISTORY) : 0;
}
