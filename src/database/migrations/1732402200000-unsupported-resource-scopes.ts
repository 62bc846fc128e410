import type { MigrationInterface, QueryRunner } from 'typeorm';
import { grantManagementScopes } from './grant-management-scopes.js';

/**
 * The scopes of the Auth0 resources Tessera answers as empty (src/management/unsupported-resources), as
 * they were when this migration was written (a migration never follows later edits).
 */
const UNSUPPORTED_RESOURCE_SCOPES = [
  ['read:rules', 'Read Rules'],
  ['create:rules', 'Create Rules'],
  ['read:rules_configs', 'Read Rules Configs'],
  ['update:rules_configs', 'Update Rules Configs'],
  ['read:hooks', 'Read Hooks'],
  ['create:hooks', 'Create Hooks'],
  ['read:directory_provisionings', 'Read Directory Provisionings'],
  ['create:directory_provisionings', 'Create Directory Provisionings'],
  ['read:custom_domains', 'Read Custom Domains'],
  ['create:custom_domains', 'Create Custom Domains'],
  ['read:branding', 'Read Branding'],
  ['update:branding', 'Update Branding'],
  ['read:phone_providers', 'Read Phone Providers'],
  ['create:phone_providers', 'Create Phone Providers'],
  ['read:phone_templates', 'Read Phone Templates'],
  ['create:phone_templates', 'Create Phone Templates'],
  ['read:prompts', 'Read Prompts'],
  ['update:prompts', 'Update Prompts'],
  ['read:guardian_factors', 'Read Guardian Factors'],
  ['update:guardian_factors', 'Update Guardian Factors'],
  ['read:mfa_policies', 'Read Mfa Policies'],
  ['update:mfa_policies', 'Update Mfa Policies'],
  ['read:attack_protection', 'Read Attack Protection'],
  ['update:attack_protection', 'Update Attack Protection'],
  ['read:forms', 'Read Forms'],
  ['create:forms', 'Create Forms'],
  ['read:flows', 'Read Flows'],
  ['create:flows', 'Create Flows'],
  ['read:flows_vault_connections', 'Read Flows Vault Connections'],
  ['create:flows_vault_connections', 'Create Flows Vault Connections'],
  ['read:organizations', 'Read Organizations'],
  ['create:organizations', 'Create Organizations'],
  ['read:self_service_profiles', 'Read Self Service Profiles'],
  ['create:self_service_profiles', 'Create Self Service Profiles'],
  ['read:network_acls', 'Read Network Acls'],
  ['create:network_acls', 'Create Network Acls'],
  ['read:event_streams', 'Read Event Streams'],
  ['create:event_streams', 'Create Event Streams'],
  ['read:security_metrics', 'Read Security Metrics'],
  ['update:security_metrics', 'Update Security Metrics'],
  ['read:user_attribute_profiles', 'Read User Attribute Profiles'],
  ['create:user_attribute_profiles', 'Create User Attribute Profiles'],
  ['read:connection_profiles', 'Read Connection Profiles'],
  ['create:connection_profiles', 'Create Connection Profiles'],
  ['read:token_exchange_profiles', 'Read Token Exchange Profiles'],
  ['create:token_exchange_profiles', 'Create Token Exchange Profiles'],
  ['read:rate_limit_policies', 'Read Rate Limit Policies'],
  ['create:rate_limit_policies', 'Create Rate Limit Policies'],
] as const;

export class UnsupportedResourceScopes1732402200000 implements MigrationInterface {
  name = 'UnsupportedResourceScopes1732402200000';

  async up(q: QueryRunner): Promise<void> {
    // Tenants created before: their Management API and admin client gain the scopes.
    await grantManagementScopes(q, UNSUPPORTED_RESOURCE_SCOPES);
  }

  async down(): Promise<void> {
    // The scopes stay: removing them could take away scopes an administrator granted on purpose since.
  }
}
