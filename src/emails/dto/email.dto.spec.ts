import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CreateEmailProviderDto, SetEmailTemplateDto, UpdateEmailProviderDto, UpdateEmailTemplateDto } from './email.dto.js';

const problems = async (cls: new () => object, body: object) =>
  (await validate(plainToInstance(cls, body), { whitelist: true, forbidNonWhitelisted: true })).map((e) => e.property).sort();

describe('e-mail DTOs', () => {
  it('POST and PUT templates need `template`; PATCH does not', async () => {
    expect(await problems(SetEmailTemplateDto, { subject: 'x' })).toEqual(['template']);
    expect(await problems(SetEmailTemplateDto, { template: 'nope' })).toEqual(['template']);
    expect(await problems(SetEmailTemplateDto, { template: 'verify_email', subject: 'x' })).toEqual([]);
    expect(await problems(UpdateEmailTemplateDto, { subject: 'x' })).toEqual([]);
  });

  it('the provider needs its name on POST, and checks credentials on both', async () => {
    expect(await problems(CreateEmailProviderDto, { credentials: { smtp_host: 'h', smtp_port: 25 } })).toEqual(['name']);
    expect(await problems(CreateEmailProviderDto, { name: 'smtp', credentials: { smtp_host: 'h', smtp_port: 0 } })).toEqual([
      'credentials',
    ]);
    expect(await problems(UpdateEmailProviderDto, { default_from_address: 'a@b.c' })).toEqual([]);
    expect(await problems(UpdateEmailProviderDto, { default_from_address: 'nope', extra: 1 })).toEqual(['default_from_address', 'extra']);
  });
});
