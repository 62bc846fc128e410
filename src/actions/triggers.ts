/** The one trigger Tessera runs. */
export const POST_LOGIN = 'post-login';
export const POST_LOGIN_VERSION = 'v3';

/** Auth0 trigger ids Tessera knows but does not run: their bindings read as empty and cannot be written. */
export const OTHER_AUTH0_TRIGGERS = new Set([
  'credentials-exchange',
  'pre-user-registration',
  'post-user-registration',
  'post-change-password',
  'send-phone-message',
  'password-reset-post-challenge',
  'custom-token-exchange',
  'custom-email-provider',
  'custom-phone-provider',
]);

/** `GET /api/v2/actions/triggers`. */
export const TRIGGERS = [
  {
    id: POST_LOGIN,
    version: POST_LOGIN_VERSION,
    status: 'CURRENT',
    runtimes: ['node18', 'node22'],
    default_runtime: 'node22',
    compatible_triggers: [],
    binding_policy: 'trigger-bound',
  },
];

/** The handler each trigger calls in the action's module. */
export const TRIGGER_EXPORTS: Record<string, string> = { [POST_LOGIN]: 'onExecutePostLogin' };
