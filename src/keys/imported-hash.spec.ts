import { hash as argon2Hash, type Algorithm } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { readBcryptPasswordHash, readImportedHash, verifyImportedHash, type HashProblem, type ImportedHash } from './imported-hash.js';

const PW = 'correct horse';

function read(input: unknown): ImportedHash {
  const h = readImportedHash(input);
  if ('code' in h) {
    throw new Error(`refused: ${h.message}`);
  }
  return h;
}

async function accepts(input: unknown, password = PW): Promise<void> {
  const h = read(input);
  expect(await verifyImportedHash(password, h)).toBe(true);
  expect(await verifyImportedHash(`${password}x`, h)).toBe(false);
  expect(await verifyImportedHash('', h)).toBe(false);
}

const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');

describe('imported password hashes', () => {
  it('bcrypt $2a$, $2b$ and $2y$, as password_hash and as custom_password_hash', async () => {
    const hash = bcrypt.hashSync(PW, 4);
    for (const prefix of ['$2a$', '$2b$', '$2y$']) {
      const value = prefix + hash.slice(4);
      const h = readBcryptPasswordHash(value) as ImportedHash;
      expect(await verifyImportedHash(PW, h)).toBe(true);
      expect(await verifyImportedHash('wrong', h)).toBe(false);
      await accepts({ algorithm: 'bcrypt', hash: { value } });
    }
    expect(readBcryptPasswordHash('$1$abc')).toMatchObject({ code: 'INVALID_FORMAT', path: 'password_hash' });
    // A cost that would make every login a denial of service is refused at import.
    expect(readBcryptPasswordHash(`$2b$16$${hash.slice(7)}`)).toMatchObject({ code: 'INVALID_FORMAT' });
    expect(readBcryptPasswordHash(`$2b$15$${hash.slice(7)}`)).toMatchObject({ algorithm: 'bcrypt' });
  });

  it('argon2i and argon2id PHC strings', async () => {
    // Algorithm is an ambient const enum (isolatedModules): Argon2i = 1, Argon2id = 2.
    for (const algorithm of [1, 2] as Algorithm[]) {
      const value = await argon2Hash(PW, { algorithm, memoryCost: 1024, timeCost: 2, parallelism: 1 });
      expect(value).toMatch(algorithm === 1 ? /^\$argon2i\$/ : /^\$argon2id\$/);
      await accepts({ algorithm: 'argon2', hash: { value, encoding: 'utf8' } });
    }
    expect(readImportedHash({ algorithm: 'argon2', hash: { value: '$argon2id$nope' } })).toMatchObject({ code: 'INVALID_FORMAT' });
  });

  it('pbkdf2 PHC strings with sha1, sha256 and sha512, with and without l=', async () => {
    const salt = Buffer.from('NaCl-salt');
    for (const digest of ['sha1', 'sha256', 'sha512']) {
      const key = pbkdf2Sync(PW, salt, 1000, 32, digest);
      await accepts({ algorithm: 'pbkdf2', hash: { value: `$pbkdf2-${digest}$i=1000,l=32$${b64(salt)}$${b64(key)}` } });
      await accepts({ algorithm: 'pbkdf2', hash: { value: `$pbkdf2-${digest}$i=1000$${b64(salt)}$${b64(key)}` } });
    }
    expect(readImportedHash({ algorithm: 'pbkdf2', hash: { value: '$pbkdf2-md5$i=1$AA$AA' } })).toMatchObject({ code: 'INVALID_FORMAT' });
    expect(readImportedHash({ algorithm: 'pbkdf2', hash: { value: '$pbkdf2-sha1$i=99999999$AA$AA' } })).toMatchObject({
      code: 'INVALID_FORMAT',
    });
  });

  it('md4 (RFC 1320 vector), without node crypto support for it', async () => {
    await accepts({ algorithm: 'md4', hash: { value: 'a448017aaf21d8525fc10ae87aa6729d', encoding: 'hex' } }, 'abc');
  });

  it('md5, sha1, sha256, sha512 in hex and base64, salt as prefix or suffix in each encoding', async () => {
    const salt = Buffer.from([0x00, 0xff, 0x10, 0x20, 0x7f]);
    for (const alg of ['md5', 'sha1', 'sha256', 'sha512'] as const) {
      await accepts({ algorithm: alg, hash: { value: createHash(alg).update(PW).digest('hex'), encoding: 'hex' } });
      await accepts({ algorithm: alg, hash: { value: createHash(alg).update(PW).digest('base64'), encoding: 'base64' } });
      for (const encoding of ['hex', 'base64'] as const) {
        const prefixed = createHash(alg)
          .update(Buffer.concat([salt, Buffer.from(PW)]))
          .digest('hex');
        await accepts({
          algorithm: alg,
          hash: { value: prefixed, encoding: 'hex' },
          salt: { value: salt.toString(encoding), encoding, position: 'prefix' },
        });
        const suffixed = createHash(alg)
          .update(Buffer.concat([Buffer.from(PW), salt]))
          .digest('base64');
        await accepts({
          algorithm: alg,
          hash: { value: suffixed, encoding: 'base64' },
          salt: { value: salt.toString(encoding), encoding, position: 'suffix' },
        });
      }
      const utf8 = createHash(alg).update(`${PW}pepper`).digest('hex');
      await accepts({ algorithm: alg, hash: { value: utf8 }, salt: { value: 'pepper', encoding: 'utf8', position: 'suffix' } });
    }
  });

  it('the password encoding (utf16le)', async () => {
    const value = createHash('sha256').update(Buffer.from(PW, 'utf16le')).digest('hex');
    await accepts({ algorithm: 'sha256', hash: { value, encoding: 'hex' }, password: { encoding: 'utf16le' } });
  });

  it('hmac with a key and an optional salt', async () => {
    const value = createHmac('sha256', 'k3y').update(`salt${PW}`).digest('base64');
    await accepts({
      algorithm: 'hmac',
      hash: { value, encoding: 'base64', digest: 'sha256', key: { value: Buffer.from('k3y').toString('hex'), encoding: 'hex' } },
      salt: { value: 'salt', encoding: 'utf8', position: 'prefix' },
    });
    expect(readImportedHash({ algorithm: 'hmac', hash: { value, encoding: 'base64', digest: 'sha256' } })).toMatchObject({
      code: 'OBJECT_MISSING_REQUIRED_PROPERTY',
      path: 'custom_password_hash.hash.key',
    });
  });

  it('ldap {SHA}, {SSHA}, {SSHA256}, {SSHA512}, and the slapd-pw-sha2 example', async () => {
    const salt = Buffer.from('abcd');
    const salted = (alg: string) => Buffer.concat([createHash(alg).update(PW).update(salt).digest(), salt]).toString('base64');
    await accepts({ algorithm: 'ldap', hash: { value: `{SHA}${createHash('sha1').update(PW).digest('base64')}` } });
    await accepts({ algorithm: 'ldap', hash: { value: `{SSHA}${salted('sha1')}`, encoding: 'utf8' } });
    await accepts({ algorithm: 'ldap', hash: { value: `{SSHA256}${salted('sha256')}` } });
    await accepts({ algorithm: 'ldap', hash: { value: `{SSHA512}${salted('sha512')}` } });
    await accepts(
      {
        algorithm: 'ldap',
        hash: { value: '{SHA512}vSsar3708Jvp9Szi2NWZZ02Bqp1qRCFpbcTZPdBhnWgs5WtNZKnvCXdhztmeD2cmW192CF5bDufKRpayrW/isg==' },
      },
      'secret',
    );
    expect(readImportedHash({ algorithm: 'ldap', hash: { value: '{CRYPT}abc' } })).toMatchObject({ code: 'INVALID_FORMAT' });
  });

  it('refuses unknown algorithms, bad encodings and malformed digests with a path', () => {
    const cases: [unknown, Partial<HashProblem>][] = [
      [
        { algorithm: 'rot13', hash: { value: 'x' } },
        { code: 'ENUM_MISMATCH', path: 'custom_password_hash.algorithm' },
      ],
      [
        { algorithm: 'scrypt', hash: { value: 'x' } },
        { code: 'ENUM_MISMATCH', message: expect.stringMatching(/scrypt .*not supported/) },
      ],
      [{ algorithm: 'md5' }, { code: 'OBJECT_MISSING_REQUIRED_PROPERTY', path: 'custom_password_hash.hash' }],
      [
        { algorithm: 'md5', hash: { value: 'abc', encoding: 'utf8' } },
        { code: 'ENUM_MISMATCH', path: 'custom_password_hash.hash.encoding' },
      ],
      [{ algorithm: 'md5', hash: { value: 'abcd', encoding: 'hex' } }, { code: 'INVALID_FORMAT' }],
      [{ algorithm: 'sha1', hash: { value: 'zz', encoding: 'hex' } }, { code: 'INVALID_FORMAT' }],
      [
        { algorithm: 'md5', hash: { value: createHash('md5').update('').digest('hex') }, salt: { value: 's', position: 'middle' } },
        { code: 'ENUM_MISMATCH', path: 'custom_password_hash.salt.position' },
      ],
      [{ algorithm: 'bcrypt', hash: { value: bcrypt.hashSync('x', 4) }, salt: { value: 's' } }, { code: 'OBJECT_ADDITIONAL_PROPERTIES' }],
      [{ algorithm: 'md5', hash: { value: 'x' }, rounds: 3 }, { code: 'OBJECT_ADDITIONAL_PROPERTIES' }],
      ['md5', { code: 'INVALID_TYPE' }],
    ];
    for (const [input, expected] of cases) {
      expect(readImportedHash(input)).toMatchObject(expected);
    }
  });

  it('a stored form that was tampered with verifies nothing', async () => {
    const h = read({ algorithm: 'sha256', hash: { value: createHash('sha256').update(PW).digest('hex') } });
    expect(await verifyImportedHash(PW, { ...h, hash: { ...h.hash, value: 'zz' } })).toBe(false);
    expect(await verifyImportedHash(PW, { ...h, algorithm: 'argon2' })).toBe(false);
  });
});
