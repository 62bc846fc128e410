import { plainToInstance } from 'class-transformer';
import { IsOptional, IsString, validateSync } from 'class-validator';
import { RuleViolation } from '../errors/api-error.js';
import { dropReadOnlyEchoes, ReadOnlyEcho } from './read-only-fields.js';

class UpdateThingDto {
  @IsOptional()
  @IsString()
  name?: string;

  @ReadOnlyEcho()
  id?: unknown;

  @ReadOnlyEcho()
  is_system?: unknown;

  @ReadOnlyEcho()
  created_at?: unknown;
}

class CreateThingDto extends UpdateThingDto {
  @ReadOnlyEcho()
  identifier?: unknown;
}

const dto = <T extends object>(cls: new () => T, body: object): T => {
  const instance = plainToInstance(cls, body);
  expect(validateSync(instance, { whitelist: true, forbidNonWhitelisted: true })).toEqual([]);
  return instance;
};

describe('dropReadOnlyEchoes', () => {
  it('drops read-only fields that hold the value the server holds or would set, and keeps the rest', () => {
    const body = dto(UpdateThingDto, { name: 'n', id: 'x1', is_system: false, created_at: '2020-01-01' });
    expect({ ...dropReadOnlyEchoes(body, { id: 'x1', is_system: false }) }).toEqual({ name: 'n' });
  });

  it('compares structured values deeply', () => {
    const body = dto(UpdateThingDto, { id: { a: [1, 2] } });
    expect({ ...dropReadOnlyEchoes(body, { id: { a: [1, 2] } }) }).toEqual({});
  });

  it('refuses a read-only field that tries to change, naming it, and leaves the body as it was', () => {
    const body = dto(UpdateThingDto, { name: 'n', is_system: true });
    expect(() => dropReadOnlyEchoes(body, { is_system: false })).toThrow(RuleViolation);
    expect(() => dropReadOnlyEchoes(body, { is_system: false })).toThrow(/is_system is read-only/);
    expect(body.is_system).toBe(true);
  });

  it('drops, whatever they hold, fields the server assigns itself (not listed in server)', () => {
    const body = dto(UpdateThingDto, { id: 'from-elsewhere', created_at: 'yesterday' });
    expect({ ...dropReadOnlyEchoes(body, {}) }).toEqual({});
  });

  it('knows the read-only fields a subclass inherits and those it adds', () => {
    const body = dto(CreateThingDto, { identifier: 'https://a', is_system: false });
    expect(() => dropReadOnlyEchoes(body, { identifier: 'https://b', is_system: false })).toThrow(/identifier is read-only/);
    expect({ ...dropReadOnlyEchoes(body, { identifier: 'https://a', is_system: false }) }).toEqual({});
  });

  it('lets validation accept the read-only fields but still refuse unknown ones', () => {
    const instance = plainToInstance(UpdateThingDto, { id: 'x', other: 1 });
    expect(validateSync(instance, { whitelist: true, forbidNonWhitelisted: true }).map((e) => e.property)).toEqual(['other']);
  });
});
