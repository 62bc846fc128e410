import { isEmail } from 'class-validator';
import { readBcryptPasswordHash, readImportedHash, type ImportedHash } from '../keys/imported-hash.js';

/** One reason a row of an import file failed, as Auth0's job errors spell it. */
export interface ImportRowError {
  code: string;
  message: string;
  path?: string;
}

/** A row of Auth0's bulk-import schema, its types checked; the connection's own rules come later. */
export interface ImportUser {
  /** Without the `auth0|` provider prefix. */
  id?: string;
  email: string;
  emailVerified?: boolean;
  username?: string;
  givenName?: string;
  familyName?: string;
  name?: string;
  nickname?: string;
  picture?: string;
  blocked?: boolean;
  userMetadata?: Record<string, unknown>;
  appMetadata?: Record<string, unknown>;
  hash?: ImportedHash;
}

const STRINGS = { user_id: 200, username: 128, given_name: 150, family_name: 150, name: 300, nickname: 300, picture: 2048 } as const;
const BOOLEANS = ['email_verified', 'blocked'] as const;
const KNOWN = new Set<string>([
  'email',
  ...Object.keys(STRINGS),
  ...BOOLEANS,
  'user_metadata',
  'app_metadata',
  'password_hash',
  'custom_password_hash',
]);
/** Largest metadata object (as JSON) one row may carry. */
const MAX_METADATA_BYTES = 16 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The row as the errors list shows it: every field but the password hashes. */
export function rowWithoutSecrets(raw: unknown): Record<string, unknown> {
  if (!isObject(raw)) {
    return {};
  }
  const { password_hash: _hash, custom_password_hash: _custom, ...rest } = raw;
  return rest;
}

/** Checks one row of the file; every problem of the row is reported, so it can be fixed in one go. */
export function readImportRow(raw: unknown): { user: ImportUser } | { errors: ImportRowError[] } {
  if (!isObject(raw)) {
    return { errors: [{ code: 'INVALID_TYPE', message: 'Each user must be a JSON object' }] };
  }
  const errors: ImportRowError[] = [];
  const fail = (code: string, path: string, message: string) => errors.push({ code, message, path });

  for (const key of Object.keys(raw)) {
    if (!KNOWN.has(key)) {
      fail('OBJECT_ADDITIONAL_PROPERTIES', key, `Property ${key.slice(0, 60)} is not supported`);
    }
  }
  const user: ImportUser = { email: '' };
  if (typeof raw.email !== 'string') {
    fail(raw.email === undefined ? 'OBJECT_MISSING_REQUIRED_PROPERTY' : 'INVALID_TYPE', 'email', 'email is required and must be a string');
  } else if (raw.email.length > 320 || !isEmail(raw.email)) {
    fail('INVALID_FORMAT', 'email', `Error in email property - Object didn't pass validation for format email: ${raw.email.slice(0, 100)}`);
  } else {
    user.email = raw.email.toLowerCase();
  }
  for (const [key, max] of Object.entries(STRINGS)) {
    const v = raw[key];
    if (v === undefined) {
      continue;
    }
    if (typeof v !== 'string' || v.length === 0 || v.length > max) {
      fail('INVALID_TYPE', key, `${key} must be a string of 1 to ${max} characters`);
    }
  }
  for (const key of BOOLEANS) {
    if (raw[key] !== undefined && typeof raw[key] !== 'boolean') {
      fail('INVALID_TYPE', key, `${key} must be a boolean`);
    }
  }
  for (const key of ['user_metadata', 'app_metadata'] as const) {
    const v = raw[key];
    if (v !== undefined && (!isObject(v) || JSON.stringify(v).length > MAX_METADATA_BYTES)) {
      fail('INVALID_TYPE', key, `${key} must be an object of at most ${MAX_METADATA_BYTES} bytes`);
    }
  }
  if (raw.password_hash !== undefined && raw.custom_password_hash !== undefined) {
    fail('INVALID_FORMAT', 'custom_password_hash', 'password_hash and custom_password_hash are mutually exclusive');
  } else if (raw.password_hash !== undefined || raw.custom_password_hash !== undefined) {
    const hash = raw.password_hash !== undefined ? readBcryptPasswordHash(raw.password_hash) : readImportedHash(raw.custom_password_hash);
    if ('code' in hash) {
      errors.push(hash);
    } else {
      user.hash = hash;
    }
  }
  if (errors.length > 0) {
    return { errors };
  }
  const str = (k: keyof typeof STRINGS) => raw[k] as string | undefined;
  const id = str('user_id');
  // Auth0's exports name users `auth0|<id>`; the import adds the provider itself.
  user.id = id?.startsWith('auth0|') ? id.slice('auth0|'.length) : id;
  user.username = str('username');
  user.givenName = str('given_name');
  user.familyName = str('family_name');
  user.name = str('name');
  user.nickname = str('nickname');
  user.picture = str('picture');
  user.emailVerified = raw.email_verified as boolean | undefined;
  user.blocked = raw.blocked as boolean | undefined;
  user.userMetadata = raw.user_metadata as Record<string, unknown> | undefined;
  user.appMetadata = raw.app_metadata as Record<string, unknown> | undefined;
  if (user.id === '') {
    return { errors: [{ code: 'INVALID_FORMAT', message: 'user_id must not be empty after the auth0| prefix', path: 'user_id' }] };
  }
  return { user };
}
