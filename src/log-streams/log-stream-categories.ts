/** Auth0's log stream filter categories (`filters[].name`). */
export const LOG_STREAM_CATEGORIES = [
  'auth.login.fail',
  'auth.login.notification',
  'auth.login.success',
  'auth.logout.fail',
  'auth.logout.success',
  'auth.signup.fail',
  'auth.signup.success',
  'auth.silent_auth.fail',
  'auth.silent_auth.success',
  'auth.token_exchange.fail',
  'auth.token_exchange.success',
  'management.fail',
  'management.success',
  'scim.event',
  'system.notification',
  'user.fail',
  'user.notification',
  'user.success',
  'actions',
  'other',
] as const;

const BY_TYPE: Record<string, (typeof LOG_STREAM_CATEGORIES)[number]> = {
  s: 'auth.login.success',
  f: 'auth.login.fail',
  fp: 'auth.login.fail',
  fu: 'auth.login.fail',
  limit_wc: 'auth.login.notification',
  limit_mu: 'auth.login.notification',
  slo: 'auth.logout.success',
  flo: 'auth.logout.fail',
  ss: 'auth.signup.success',
  fs: 'auth.signup.fail',
  ssa: 'auth.silent_auth.success',
  fsa: 'auth.silent_auth.fail',
  seccft: 'auth.token_exchange.success',
  seacft: 'auth.token_exchange.success',
  sertft: 'auth.token_exchange.success',
  sepft: 'auth.token_exchange.success',
  feccft: 'auth.token_exchange.fail',
  feacft: 'auth.token_exchange.fail',
  fertft: 'auth.token_exchange.fail',
  fepft: 'auth.token_exchange.fail',
  ferrt: 'auth.token_exchange.fail',
  sapi: 'management.success',
  fapi: 'management.fail',
  api_limit: 'system.notification',
  scpr: 'user.success',
  fcpr: 'user.fail',
  sdu: 'user.success',
};

/** The filter category an event type belongs to (`other` for a type without one). */
export function categoryOf(type: string): string {
  return BY_TYPE[type] ?? 'other';
}
