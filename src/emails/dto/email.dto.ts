import { Type } from 'class-transformer';
import { IsObject, ValidateIf, ValidateNested } from 'class-validator';
import { BooleanProperty, EnumProperty, IntegerProperty, StringProperty } from '../../common/validation.js';

export const EMAIL_TEMPLATE_NAMES = [
  'verify_email',
  'reset_email',
  'welcome_email',
  'change_password',
  'blocked_account',
  'password_reset',
] as const;
export type EmailTemplateName = (typeof EMAIL_TEMPLATE_NAMES)[number];

/** Auth0's SMTP credentials. */
export class SmtpCredentialsDto {
  @StringProperty({
    minLength: 1,
    maxLength: 255,
    pattern: /^[A-Za-z0-9.:\-[\]]+$/,
    patternMessage: 'smtp_host must be a host name or IP address',
  })
  smtp_host?: string;

  @IntegerProperty({ minimum: 1, maximum: 65535 })
  smtp_port?: number;

  @StringProperty({ maxLength: 255 })
  smtp_user?: string;

  @StringProperty({ maxLength: 1024 })
  smtp_pass?: string;
}

const email = /^[^\s@<>]+@[^\s@<>]+$/;

/** The provider fields POST and PATCH take alike. */
class EmailProviderFieldsDto {
  @BooleanProperty()
  enabled?: boolean;

  @StringProperty({ minLength: 3, maxLength: 320, pattern: email, patternMessage: 'default_from_address must be an e-mail address' })
  default_from_address?: string;

  @ValidateIf((_o, v) => v !== undefined && v !== null)
  @IsObject({ message: 'Expected type object' })
  settings?: Record<string, unknown> | null;
}

/** POST /api/v2/emails/provider */
export class CreateEmailProviderDto extends EmailProviderFieldsDto {
  @EnumProperty(['smtp'], { required: true })
  name: string;

  @ValidateIf((_o, v) => v !== undefined)
  @IsObject({ message: 'Expected type object' })
  @ValidateNested()
  @Type(() => SmtpCredentialsDto)
  credentials: SmtpCredentialsDto;
}

/** PATCH /api/v2/emails/provider: what is given replaces; credentials merge field by field. */
export class UpdateEmailProviderDto extends EmailProviderFieldsDto {
  @EnumProperty(['smtp'])
  name?: string;

  @ValidateIf((_o, v) => v !== undefined)
  @IsObject({ message: 'Expected type object' })
  @ValidateNested()
  @Type(() => SmtpCredentialsDto)
  credentials?: SmtpCredentialsDto;
}

/** The template fields POST, PUT and PATCH take alike. */
class EmailTemplateFieldsDto {
  @StringProperty({ maxLength: 100000, nullable: true })
  body?: string | null;

  @StringProperty({ maxLength: 320, nullable: true })
  from?: string | null;

  @StringProperty({ maxLength: 1024, nullable: true })
  subject?: string | null;

  @EnumProperty(['liquid'], { nullable: true })
  syntax?: string | null;

  @StringProperty({ maxLength: 2048, nullable: true, pattern: /^https?:\/\/\S+$/, patternMessage: 'resultUrl must be an http(s) URL' })
  resultUrl?: string | null;

  @IntegerProperty({ minimum: 0, maximum: 2592000, nullable: true })
  urlLifetimeInSeconds?: number | null;

  @BooleanProperty()
  includeEmailInRedirect?: boolean;

  @BooleanProperty({ nullable: true })
  enabled?: boolean | null;
}

/** PATCH /api/v2/email-templates/{name}: every field optional; what is not given is kept. */
export class UpdateEmailTemplateDto extends EmailTemplateFieldsDto {
  @EnumProperty(EMAIL_TEMPLATE_NAMES)
  template?: string;
}

/** POST and PUT /api/v2/email-templates: `template` is required. */
export class SetEmailTemplateDto extends EmailTemplateFieldsDto {
  @EnumProperty(EMAIL_TEMPLATE_NAMES, { required: true })
  template: string;
}

export interface EmailTemplateResponse {
  template: string;
  body: string | null;
  from: string | null;
  subject: string | null;
  syntax: string | null;
  resultUrl: string | null;
  urlLifetimeInSeconds: number | null;
  includeEmailInRedirect: boolean;
  enabled: boolean;
}

/** POST /api/v2/emails/provider/test (Tessera extension). */
export class SendTestMailDto {
  @StringProperty({ required: true, minLength: 3, maxLength: 320, pattern: email, patternMessage: 'to must be an e-mail address' })
  to: string;
}

/** POST /api/v2/email-templates/{name}/preview (Tessera extension): renders unsaved edits with sample values. */
export class PreviewEmailTemplateDto {
  @StringProperty({ maxLength: 100000 })
  body?: string;

  @StringProperty({ maxLength: 1024 })
  subject?: string;
}
