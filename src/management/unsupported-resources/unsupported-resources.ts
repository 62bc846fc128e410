import type { AppConfig } from '../../config/app-config.js';

/**
 * Parts of Auth0's Management API that Tessera does not implement, as one list. Reading one answers
 * the honest "nothing configured" value Auth0 documents (so tools that read a whole tenant, such as
 * auth0-deploy-cli, work); writing one is a 400 naming what is not supported, except a write that
 * only states that same nothing-configured value back (a tool saving what it read), which changes
 * nothing and is answered with it.
 */
export interface UnsupportedResource {
  /** The feature, as the refusal names it. */
  name: string;
  /** Under /api/v2/. */
  path: string;
  /** Auth0's scopes for reading and for writing it. */
  read: string;
  write: string;
  /**
   * `list`: a collection, paged like Tessera's own lists, under this key with include_totals or
   * checkpoint paging (`paging: 'page'`: always `{<key>, total, page, per_page}`, as Actions lists answer);
   * its items (`<path>/:id`) do not exist. `array`: a bare array, never paged. `wrapped`: always
   * `{<key>: []}`. `object`: a singleton that answers this value. `absent`: a singleton that exists only
   * once configured, so it answers 404.
   */
  empty:
    | { list: string; paging?: 'page' }
    | { array: true }
    | { wrapped: string }
    | { object: (config: AppConfig) => Record<string, unknown> }
    | { absent: true };
}

const rs = (read: string, write = read.replace(/^read:/, 'update:')) => ({ read, write });

export const UNSUPPORTED_RESOURCES: UnsupportedResource[] = [
  { name: 'Rules', path: 'rules', ...rs('read:rules', 'create:rules'), empty: { list: 'rules' } },
  { name: 'Rules configs', path: 'rules-configs', ...rs('read:rules_configs'), empty: { array: true } },
  { name: 'Hooks', path: 'hooks', ...rs('read:hooks', 'create:hooks'), empty: { list: 'hooks' } },
  { name: 'Action modules', path: 'actions/modules', ...rs('read:actions', 'create:actions'), empty: { list: 'modules', paging: 'page' } },
  {
    name: 'Directory provisioning',
    path: 'connections-directory-provisionings',
    ...rs('read:directory_provisionings', 'create:directory_provisionings'),
    empty: { list: 'directory_provisionings' },
  },
  { name: 'Custom domains', path: 'custom-domains', ...rs('read:custom_domains', 'create:custom_domains'), empty: { array: true } },
  { name: 'Branding', path: 'branding', ...rs('read:branding'), empty: { object: () => ({}) } },
  { name: 'Branding themes', path: 'branding/themes/default', ...rs('read:branding'), empty: { absent: true } },
  { name: 'Universal Login templates', path: 'branding/templates/universal-login', ...rs('read:branding'), empty: { absent: true } },
  {
    name: 'Phone providers',
    path: 'branding/phone/providers',
    ...rs('read:phone_providers', 'create:phone_providers'),
    empty: { wrapped: 'providers' },
  },
  {
    name: 'Phone templates',
    path: 'branding/phone/templates',
    ...rs('read:phone_templates', 'create:phone_templates'),
    empty: { wrapped: 'templates' },
  },
  {
    name: 'Prompts',
    path: 'prompts',
    ...rs('read:prompts'),
    empty: { object: () => ({ universal_login_experience: 'new', identifier_first: false, webauthn_platform_first_factor: false }) },
  },
  { name: 'Prompt custom text', path: 'prompts/:prompt/custom-text/:language', ...rs('read:prompts'), empty: { object: () => ({}) } },
  { name: 'Prompt partials', path: 'prompts/:prompt/partials', ...rs('read:prompts'), empty: { object: () => ({}) } },
  { name: 'Prompt rendering', path: 'prompts/rendering', ...rs('read:prompts'), empty: { list: 'configs' } },
  { name: 'Guardian factors', path: 'guardian/factors', ...rs('read:guardian_factors'), empty: { array: true } },
  ...[
    'sms/providers/twilio',
    'phone/providers/twilio',
    'push-notification/providers/sns',
    'push-notification/providers/apns',
    'push-notification/providers/fcm',
    'sms/templates',
    'phone/templates',
    'phone/selected-provider',
  ].map((sub) => ({
    name: 'Guardian factor settings',
    path: `guardian/factors/${sub}`,
    ...rs('read:guardian_factors'),
    empty: { object: () => ({}) },
  })),
  {
    name: 'Guardian factor settings',
    path: 'guardian/factors/phone/message-types',
    ...rs('read:guardian_factors'),
    empty: { object: () => ({ message_types: [] }) },
  },
  { name: 'Multi-factor policies', path: 'guardian/policies', ...rs('read:mfa_policies'), empty: { array: true } },
  {
    name: 'Breached password detection',
    path: 'attack-protection/breached-password-detection',
    ...rs('read:attack_protection'),
    empty: {
      object: () => ({
        enabled: false,
        shields: [],
        admin_notification_frequency: [],
        method: 'standard',
        stage: { 'pre-user-registration': { shields: [] }, 'pre-change-password': { shields: [] } },
      }),
    },
  },
  {
    // Tessera has this one (src/login-protection): the answer states its configuration, which only the
    // environment changes (LOGIN_LOCKOUT_ATTEMPTS).
    name: 'Changing brute-force protection through the API (set LOGIN_LOCKOUT_ATTEMPTS)',
    path: 'attack-protection/brute-force-protection',
    ...rs('read:attack_protection'),
    empty: {
      object: (config) => ({
        enabled: config.loginLockoutAttempts > 0,
        shields: ['block', 'user_notification'],
        mode: 'count_per_identifier_and_ip',
        allowlist: [],
        max_attempts: config.loginLockoutAttempts || 10,
      }),
    },
  },
  {
    name: 'Suspicious IP throttling',
    path: 'attack-protection/suspicious-ip-throttling',
    ...rs('read:attack_protection'),
    empty: { object: () => ({ enabled: false, shields: [], allowlist: [] }) },
  },
  { name: 'Bot detection', path: 'attack-protection/bot-detection', ...rs('read:attack_protection'), empty: { object: () => ({}) } },
  { name: 'CAPTCHA', path: 'attack-protection/captcha', ...rs('read:attack_protection'), empty: { object: () => ({}) } },
  { name: 'Forms', path: 'forms', ...rs('read:forms', 'create:forms'), empty: { list: 'forms' } },
  { name: 'Flows', path: 'flows', ...rs('read:flows', 'create:flows'), empty: { list: 'flows' } },
  {
    name: 'Flows vault connections',
    path: 'flows/vault/connections',
    ...rs('read:flows_vault_connections', 'create:flows_vault_connections'),
    empty: { list: 'connections' },
  },
  { name: 'Organizations', path: 'organizations', ...rs('read:organizations', 'create:organizations'), empty: { list: 'organizations' } },
  {
    name: 'Self-service profiles',
    path: 'self-service-profiles',
    ...rs('read:self_service_profiles', 'create:self_service_profiles'),
    empty: { list: 'self_service_profiles' },
  },
  { name: 'Network ACLs', path: 'network-acls', ...rs('read:network_acls', 'create:network_acls'), empty: { list: 'network_acls' } },
  { name: 'Event streams', path: 'event-streams', ...rs('read:event_streams', 'create:event_streams'), empty: { list: 'eventStreams' } },

  {
    name: 'Risk assessments',
    path: 'risk-assessments/settings',
    ...rs('read:security_metrics'),
    empty: { object: () => ({ enabled: false }) },
  },
  {
    // Devices are never remembered: 0 days (what auth0-deploy-cli itself records for a tenant without the setting).
    name: 'Risk assessments',
    path: 'risk-assessments/settings/new-device',
    ...rs('read:security_metrics'),
    empty: { object: () => ({ remember_for: 0 }) },
  },
  {
    name: 'Supplemental signals',
    path: 'supplemental-signals',
    ...rs('read:attack_protection'),
    empty: { object: () => ({ akamai_enabled: false }) },
  },
  {
    name: 'User attribute profiles',
    path: 'user-attribute-profiles',
    ...rs('read:user_attribute_profiles', 'create:user_attribute_profiles'),
    empty: { list: 'user_attribute_profiles' },
  },
  {
    name: 'Connection profiles',
    path: 'connection-profiles',
    ...rs('read:connection_profiles', 'create:connection_profiles'),
    empty: { list: 'connection_profiles' },
  },
  {
    name: 'Token exchange profiles',
    path: 'token-exchange-profiles',
    ...rs('read:token_exchange_profiles', 'create:token_exchange_profiles'),
    empty: { list: 'token_exchange_profiles' },
  },
  {
    name: 'Rate limit policies',
    path: 'rate-limit-policies',
    ...rs('read:rate_limit_policies', 'create:rate_limit_policies'),
    empty: { list: 'rate_limit_policies' },
  },
];
