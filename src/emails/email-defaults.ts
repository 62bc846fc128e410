import type { EmailTemplateName } from './dto/email.dto.js';

/** Link lifetime when a template does not set `urlLifetimeInSeconds`: five days, Auth0's default. */
export const DEFAULT_URL_LIFETIME_SECONDS = 432000;

export interface TemplateDefaults {
  subject: string;
  body: string;
  enabled: boolean;
}

const paragraph = (s: string) => `<p>${s}</p>`;
const signature = paragraph('{{ friendly_name }}');

/**
 * What a template holds until the tenant saves its own: plain, short, in English. Liquid, with Auth0's
 * variables; every `{{ }}` output is HTML-escaped.
 */
export const TEMPLATE_DEFAULTS: Record<EmailTemplateName, TemplateDefaults> = {
  verify_email: {
    subject: 'Verify your email address',
    body:
      paragraph('Hello {{ user.name }},') +
      paragraph('Please confirm that {{ user.email }} is your email address for {{ application.name }}:') +
      paragraph('<a href="{{ url }}">Verify your email address</a>') +
      paragraph('If you did not create an account, you can ignore this email.') +
      signature,
    enabled: true,
  },
  reset_email: {
    subject: 'Reset your password',
    body:
      paragraph('Hello {{ user.name }},') +
      paragraph('Someone asked to reset the password of your {{ application.name }} account. To choose a new password, open this link:') +
      paragraph('<a href="{{ url }}">Reset your password</a>') +
      paragraph('If you did not ask for this, you can ignore this email: your password stays as it is.') +
      signature,
    enabled: true,
  },
  welcome_email: {
    subject: 'Welcome to {{ application.name }}',
    body:
      paragraph('Hello {{ user.name }},') +
      paragraph('Welcome to {{ application.name }}! Your account {{ user.email }} is ready.') +
      signature,
    enabled: false,
  },
  change_password: {
    subject: 'Reset your password',
    body:
      paragraph('Hello {{ user.name }},') +
      paragraph('To choose a new password, open this link:') +
      paragraph('<a href="{{ url }}">Reset your password</a>') +
      signature,
    enabled: false,
  },
  blocked_account: {
    subject: 'Your account was blocked',
    body:
      paragraph('Hello {{ user.name }},') +
      paragraph('We blocked logins to your account from one address after too many failed attempts.') +
      paragraph('<a href="{{ url }}">Unblock your account</a>') +
      paragraph('If it was not you, change your password.') +
      signature,
    enabled: true,
  },
  password_reset: {
    subject: 'Your password was changed',
    body: paragraph('Hello {{ user.name }},') + paragraph('The password of your {{ application.name }} account was changed.') + signature,
    enabled: false,
  },
};
