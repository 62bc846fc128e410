import { BooleanProperty, IntegerProperty, StringProperty } from '../../common/validation.js';

const url = { maxLength: 2048, pattern: /^https?:\/\/\S+$/, patternMessage: 'result_url must be an http(s) URL' };
const MAX_TTL = 2592000;

/** POST /api/v2/tickets/password-change */
export class PasswordChangeTicketDto {
  @StringProperty({ minLength: 1, maxLength: 255 })
  user_id?: string;

  @StringProperty({ minLength: 3, maxLength: 320 })
  email?: string;

  @StringProperty({ minLength: 1, maxLength: 32 })
  connection_id?: string;

  @StringProperty(url)
  result_url?: string;

  @StringProperty({ minLength: 1, maxLength: 128 })
  client_id?: string;

  @IntegerProperty({ minimum: 0, maximum: MAX_TTL })
  ttl_sec?: number;

  @BooleanProperty()
  mark_email_as_verified?: boolean;

  @BooleanProperty()
  includeEmailInRedirect?: boolean;
}

/** POST /api/v2/tickets/email-verification */
export class EmailVerificationTicketDto {
  @StringProperty({ required: true, minLength: 1, maxLength: 255 })
  user_id: string;

  @StringProperty(url)
  result_url?: string;

  @StringProperty({ minLength: 1, maxLength: 128 })
  client_id?: string;

  @IntegerProperty({ minimum: 0, maximum: MAX_TTL })
  ttl_sec?: number;

  @BooleanProperty()
  includeEmailInRedirect?: boolean;
}

/** POST /api/v2/jobs/verification-email */
export class VerificationEmailJobDto {
  @StringProperty({ required: true, minLength: 1, maxLength: 255 })
  user_id: string;

  @StringProperty({ minLength: 1, maxLength: 128 })
  client_id?: string;
}
