import bcrypt from 'bcryptjs';
import { createHash } from 'node:crypto';
import type { AppConfig } from '../config/app-config.js';
import { PasswordHasher } from './password-hasher.js';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher({
    passwordHashCost: 4,
    passwordHashConcurrency: 2,
    passwordHashQueue: 10,
    passwordHashMaxWaitMs: 1000,
  } as AppConfig);
  afterAll(() => hasher.onModuleDestroy());

  it('verifies its own scrypt hashes and knows them as its own', async () => {
    const own = await hasher.hash('pw-1');
    expect(hasher.isOwn(own)).toBe(true);
    expect(await hasher.verify('pw-1', own)).toBe(true);
    expect(await hasher.verify('pw-2', own)).toBe(false);
  });

  it('verifies an imported hash through its stored form, which is not its own (so it gets upgraded)', async () => {
    const stored = hasher.importedForm({ algorithm: 'bcrypt', hash: { value: bcrypt.hashSync('pw-1', 4), encoding: 'utf8' } });
    expect(stored.startsWith('imported$')).toBe(true);
    expect(hasher.isOwn(stored)).toBe(false);
    expect(await hasher.verify('pw-1', stored)).toBe(true);
    expect(await hasher.verify('pw-2', stored)).toBe(false);
  });

  it('refuses anything else: a bare hash, a stored form that no longer reads as an imported hash', async () => {
    const md5 = createHash('md5').update('pw-1').digest('hex');
    expect(await hasher.verify('pw-1', md5)).toBe(false);
    expect(await hasher.verify('pw-1', bcrypt.hashSync('pw-1', 4))).toBe(false);
    expect(await hasher.verify('pw-1', 'imported$not json')).toBe(false);
    expect(
      await hasher.verify('pw-1', `imported$${JSON.stringify({ algorithm: 'md5', hash: { value: md5, encoding: 'hex' }, extra: 1 })}`),
    ).toBe(false);
    expect(await hasher.verify('pw-1', `imported$${JSON.stringify({ algorithm: 'md5', hash: { value: md5, encoding: 'hex' } })}`)).toBe(
      true,
    );
  });
});
