import { verify as verifyArgon2 } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import md4 from 'js-md4';
import { createHash, createHmac, pbkdf2, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes brought from another system (Auth0's bulk import: `password_hash` and
 * `custom_password_hash`). `readImportedHash` checks one at import time and returns its normalised form,
 * which is what gets stored; `verifyImportedHash` checks a password against it at login. Pure functions,
 * one verifier per algorithm; every comparison of digests is constant-time.
 */

export type ValueEncoding = 'hex' | 'base64' | 'utf8';
export type PasswordEncoding = 'ascii' | 'utf8' | 'utf16le' | 'ucs2' | 'latin1' | 'binary';
type Digest = 'md4' | 'md5' | 'sha1' | 'sha256' | 'sha512';

export const IMPORTED_HASH_ALGORITHMS = ['argon2', 'bcrypt', 'hmac', 'ldap', 'md4', 'md5', 'sha1', 'sha256', 'sha512', 'pbkdf2'] as const;
export type ImportedHashAlgorithm = (typeof IMPORTED_HASH_ALGORITHMS)[number];

export interface ImportedHash {
  algorithm: ImportedHashAlgorithm;
  hash: { value: string; encoding: ValueEncoding; digest?: string; key?: { value: string; encoding: ValueEncoding } };
  salt?: { value: string; encoding: ValueEncoding; position: 'prefix' | 'suffix' };
  password?: { encoding: PasswordEncoding };
}

/** Why an import row's hash was refused, in the codes of Auth0's job errors. */
export interface HashProblem {
  code: 'INVALID_TYPE' | 'INVALID_FORMAT' | 'ENUM_MISMATCH' | 'OBJECT_MISSING_REQUIRED_PROPERTY' | 'OBJECT_ADDITIONAL_PROPERTIES';
  message: string;
  path: string;
}

const VALUE_ENCODINGS: readonly ValueEncoding[] = ['hex', 'base64', 'utf8'];
const PASSWORD_ENCODINGS: readonly PasswordEncoding[] = ['ascii', 'utf8', 'utf16le', 'ucs2', 'latin1', 'binary'];
const HMAC_DIGESTS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
/** bcrypt with a cost up to 15: a higher one would make each login a denial of service. */
const BCRYPT = /^\$2[aby]\$(0[4-9]|1[0-5])\$[./A-Za-z0-9]{53}$/;
const ARGON2 = /^\$argon2(i|id|d)\$(v=\d+\$)?[mtp]=\d{1,8}(,[mtp]=\d{1,8}){2}\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/;
const PBKDF2 = /^\$pbkdf2-(sha1|sha256|sha512)\$i=(\d{1,8})(?:,l=(\d{1,3}))?\$([A-Za-z0-9+/.=-]*)\$([A-Za-z0-9+/.=-]+)$/;
/** The most pbkdf2 iterations a login will spend; anything above is refused at import. */
const MAX_PBKDF2_ITERATIONS = 2_000_000;
/** The most memory (KiB) one argon2 login may take; a larger cost is refused at import. */
const MAX_ARGON2_MEMORY_KIB = 262_144;
const LDAP_SCHEMES: Record<string, { digest: string; salted: boolean }> = {
  MD5: { digest: 'md5', salted: false },
  SMD5: { digest: 'md5', salted: true },
  SHA: { digest: 'sha1', salted: false },
  SSHA: { digest: 'sha1', salted: true },
  SHA256: { digest: 'sha256', salted: false },
  SSHA256: { digest: 'sha256', salted: true },
  SHA384: { digest: 'sha384', salted: false },
  SSHA384: { digest: 'sha384', salted: true },
  SHA512: { digest: 'sha512', salted: false },
  SSHA512: { digest: 'sha512', salted: true },
};
const LDAP = /^\{([A-Z0-9]+)\}([A-Za-z0-9+/]+={0,2})$/;

const problem = (code: HashProblem['code'], path: string, message: string): HashProblem => ({ code, path, message });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Auth0's `password_hash`: a bcrypt hash. */
export function readBcryptPasswordHash(value: unknown): ImportedHash | HashProblem {
  if (typeof value !== 'string') {
    return problem('INVALID_TYPE', 'password_hash', 'password_hash must be a string');
  }
  if (!BCRYPT.test(value)) {
    return problem('INVALID_FORMAT', 'password_hash', 'password_hash must be a bcrypt hash ($2a$, $2b$ or $2y$, cost 4 to 15)');
  }
  return { algorithm: 'bcrypt', hash: { value, encoding: 'utf8' } };
}

/** Auth0's `custom_password_hash`, checked field by field; the first problem found is returned. */
export function readImportedHash(input: unknown, path = 'custom_password_hash'): ImportedHash | HashProblem {
  if (!isObject(input)) {
    return problem('INVALID_TYPE', path, `${path} must be an object`);
  }
  const extra = Object.keys(input).find((k) => !['algorithm', 'hash', 'salt', 'password', 'keylen'].includes(k));
  if (extra !== undefined) {
    return problem('OBJECT_ADDITIONAL_PROPERTIES', `${path}.${extra}`, `${path} has an unknown property: ${extra}`);
  }
  const algorithm = input.algorithm;
  if (algorithm === 'scrypt') {
    return problem('ENUM_MISMATCH', `${path}.algorithm`, 'The scrypt algorithm of Auth0 imports is not supported by Tessera yet');
  }
  if (typeof algorithm !== 'string' || !(IMPORTED_HASH_ALGORITHMS as readonly string[]).includes(algorithm)) {
    return problem(
      'ENUM_MISMATCH',
      `${path}.algorithm`,
      `Unknown hash algorithm${typeof algorithm === 'string' ? ` "${algorithm.slice(0, 40)}"` : ''}: expected one of ${IMPORTED_HASH_ALGORITHMS.join(', ')}`,
    );
  }
  const alg = algorithm as ImportedHashAlgorithm;
  if (!isObject(input.hash)) {
    return problem('OBJECT_MISSING_REQUIRED_PROPERTY', `${path}.hash`, `${path}.hash is required`);
  }
  const rawHash = input.hash;
  if (typeof rawHash.value !== 'string' || rawHash.value.length === 0 || rawHash.value.length > 1024) {
    return problem('INVALID_TYPE', `${path}.hash.value`, `${path}.hash.value must be a non-empty string`);
  }
  const utf8Only = alg === 'argon2' || alg === 'bcrypt' || alg === 'ldap' || alg === 'pbkdf2';
  const hashEncoding = rawHash.encoding ?? (utf8Only ? 'utf8' : 'hex');
  const allowed: readonly string[] = utf8Only ? ['utf8'] : ['hex', 'base64'];
  if (!allowed.includes(hashEncoding as string)) {
    return problem('ENUM_MISMATCH', `${path}.hash.encoding`, `${path}.hash.encoding must be ${allowed.join(' or ')} for ${alg}`);
  }
  const hash: ImportedHash['hash'] = { value: rawHash.value, encoding: hashEncoding as ValueEncoding };

  if (alg === 'hmac') {
    if (!(HMAC_DIGESTS as readonly unknown[]).includes(rawHash.digest)) {
      return problem('ENUM_MISMATCH', `${path}.hash.digest`, `${path}.hash.digest must be one of ${HMAC_DIGESTS.join(', ')}`);
    }
    const key = readEncoded(rawHash.key, `${path}.hash.key`);
    if ('code' in key) {
      return key;
    }
    hash.digest = rawHash.digest as string;
    hash.key = key;
  } else if (rawHash.digest !== undefined || rawHash.key !== undefined) {
    return problem('OBJECT_ADDITIONAL_PROPERTIES', `${path}.hash`, `${path}.hash.digest and .key are for hmac only`);
  }

  const formatProblem = checkFormat(alg, hash, `${path}.hash.value`);
  if (formatProblem) {
    return formatProblem;
  }
  const out: ImportedHash = { algorithm: alg, hash };

  if (input.salt !== undefined) {
    if (utf8Only) {
      return problem('OBJECT_ADDITIONAL_PROPERTIES', `${path}.salt`, `${alg} hashes carry their own salt; ${path}.salt is not allowed`);
    }
    const salt = readEncoded(input.salt, `${path}.salt`);
    if ('code' in salt) {
      return salt;
    }
    const position = (input.salt as Record<string, unknown>).position ?? 'prefix';
    if (position !== 'prefix' && position !== 'suffix') {
      return problem('ENUM_MISMATCH', `${path}.salt.position`, `${path}.salt.position must be prefix or suffix`);
    }
    out.salt = { ...salt, position };
  }
  if (input.password !== undefined) {
    const encoding = isObject(input.password) ? input.password.encoding : undefined;
    if (!(PASSWORD_ENCODINGS as readonly unknown[]).includes(encoding)) {
      return problem(
        'ENUM_MISMATCH',
        `${path}.password.encoding`,
        `${path}.password.encoding must be one of ${PASSWORD_ENCODINGS.join(', ')}`,
      );
    }
    out.password = { encoding: encoding as PasswordEncoding };
  }
  return out;
}

function readEncoded(input: unknown, path: string): { value: string; encoding: ValueEncoding } | HashProblem {
  if (!isObject(input)) {
    return problem('OBJECT_MISSING_REQUIRED_PROPERTY', path, `${path} must be an object with value and encoding`);
  }
  if (typeof input.value !== 'string' || input.value.length > 1024) {
    return problem('INVALID_TYPE', `${path}.value`, `${path}.value must be a string`);
  }
  const encoding = input.encoding ?? 'utf8';
  if (!(VALUE_ENCODINGS as readonly unknown[]).includes(encoding)) {
    return problem('ENUM_MISMATCH', `${path}.encoding`, `${path}.encoding must be one of ${VALUE_ENCODINGS.join(', ')}`);
  }
  return { value: input.value, encoding: encoding as ValueEncoding };
}

function checkFormat(alg: ImportedHashAlgorithm, hash: ImportedHash['hash'], path: string): HashProblem | undefined {
  const bad = (what: string) => problem('INVALID_FORMAT', path, `${path} is not ${what}`);
  switch (alg) {
    case 'bcrypt':
      return BCRYPT.test(hash.value) ? undefined : bad('a bcrypt hash ($2a$, $2b$ or $2y$, cost 4 to 15)');
    case 'argon2': {
      const params = Object.fromEntries([...hash.value.matchAll(/([mtp])=(\d+)/g)].map((m) => [m[1], Number(m[2])]));
      return ARGON2.test(hash.value) && params.m <= MAX_ARGON2_MEMORY_KIB && params.t <= 64
        ? undefined
        : bad(`an argon2 PHC string ($argon2i$ or $argon2id$, m at most ${MAX_ARGON2_MEMORY_KIB}, t at most 64)`);
    }
    case 'pbkdf2': {
      const m = PBKDF2.exec(hash.value);
      return m && Number(m[2]) >= 1 && Number(m[2]) <= MAX_PBKDF2_ITERATIONS && (m[3] === undefined || Number(m[3]) >= 1)
        ? undefined
        : bad(`a pbkdf2 PHC string ($pbkdf2-sha1|sha256|sha512$i=<1..${MAX_PBKDF2_ITERATIONS}>[,l=<keylen>]$<salt>$<hash>)`);
    }
    case 'ldap': {
      const m = LDAP.exec(hash.value);
      const scheme = m ? LDAP_SCHEMES[m[1]] : undefined;
      if (!m || !scheme) {
        return bad(`an RFC 2307 value ({${Object.keys(LDAP_SCHEMES).join('}, {')}})`);
      }
      const length = createHash(scheme.digest).digest().length;
      const bytes = Buffer.from(m[2], 'base64').length;
      return bytes === length || (scheme.salted && bytes > length) ? undefined : bad(`a ${m[1]} value of the right length`);
    }
    case 'hmac':
    case 'md4':
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512': {
      const pattern = hash.encoding === 'hex' ? /^(?:[0-9a-fA-F]{2})+$/ : /^[A-Za-z0-9+/]+={0,2}$/;
      if (!pattern.test(hash.value)) {
        return bad(`${hash.encoding}`);
      }
      const digest = alg === 'hmac' ? hash.digest! : alg;
      const expected = digest === 'md4' ? 16 : createHash(digest).digest().length;
      return decode(hash.value, hash.encoding).length === expected ? undefined : bad(`a ${digest} digest of ${expected} bytes`);
    }
  }
}

function decode(value: string, encoding: ValueEncoding): Buffer {
  return Buffer.from(value, encoding === 'utf8' ? 'utf8' : encoding);
}

/** Equal-length buffers compared in constant time; a length mismatch (public knowledge) is just false. */
function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function digestOf(algorithm: Digest, data: Buffer): Buffer {
  if (algorithm === 'md4') {
    // OpenSSL 3 leaves MD4 to its legacy provider, which node does not load; js-md4's own code does it.
    return Buffer.from(md4.create().update(data).arrayBuffer());
  }
  return createHash(algorithm).update(data).digest();
}

function salted(h: ImportedHash, password: string): Buffer {
  const pw = Buffer.from(password, h.password?.encoding ?? 'utf8');
  if (!h.salt) {
    return pw;
  }
  const salt = decode(h.salt.value, h.salt.encoding);
  return h.salt.position === 'suffix' ? Buffer.concat([pw, salt]) : Buffer.concat([salt, pw]);
}

function verifyPbkdf2(password: string, value: string): Promise<boolean> {
  const m = PBKDF2.exec(value);
  if (!m) {
    return Promise.resolve(false);
  }
  // PHC's B64 is base64 without padding; passlib writes '.' for '+'.
  const b64 = (s: string) => Buffer.from(s.replace(/\./g, '+'), 'base64');
  const expected = b64(m[5]);
  const keylen = m[3] === undefined ? expected.length : Number(m[3]);
  return new Promise((resolve) => {
    pbkdf2(password, b64(m[4]), Number(m[2]), keylen, m[1], (err, key) => resolve(!err && sameBytes(key, expected)));
  });
}

function verifyLdap(password: string, value: string): boolean {
  const m = LDAP.exec(value);
  const scheme = m ? LDAP_SCHEMES[m[1]] : undefined;
  if (!m || !scheme) {
    return false;
  }
  const bytes = Buffer.from(m[2], 'base64');
  const length = createHash(scheme.digest).digest().length;
  const expected = bytes.subarray(0, length);
  const salt = scheme.salted ? bytes.subarray(length) : Buffer.alloc(0);
  return sameBytes(createHash(scheme.digest).update(Buffer.from(password, 'utf8')).update(salt).digest(), expected);
}

/** Whether `password` is the one `h` was made from. False for anything malformed. */
export async function verifyImportedHash(password: string, h: ImportedHash): Promise<boolean> {
  try {
    switch (h.algorithm) {
      case 'bcrypt':
        // $2y$ (PHP) is the same algorithm as $2b$.
        return await bcrypt.compare(password, h.hash.value.replace(/^\$2y\$/, '$2b$'));
      case 'argon2':
        return await verifyArgon2(h.hash.value, password);
      case 'pbkdf2':
        return await verifyPbkdf2(password, h.hash.value);
      case 'ldap':
        return verifyLdap(password, h.hash.value);
      case 'hmac': {
        const key = decode(h.hash.key!.value, h.hash.key!.encoding);
        return sameBytes(createHmac(h.hash.digest!, key).update(salted(h, password)).digest(), decode(h.hash.value, h.hash.encoding));
      }
      case 'md4':
      case 'md5':
      case 'sha1':
      case 'sha256':
      case 'sha512':
        return sameBytes(digestOf(h.algorithm, salted(h, password)), decode(h.hash.value, h.hash.encoding));
    }
  } catch {
    return false;
  }
}
