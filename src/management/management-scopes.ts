import { UNSUPPORTED_RESOURCES } from './unsupported-resources/unsupported-resources.js';

/** The Actions scopes (issue 17); a migration adds them to tenants created before. */
export const ACTIONS_SCOPES: [string, string][] = [
  ['read:actions', 'Read Actions'],
  ['create:actions', 'Create Actions'],
  ['update:actions', 'Update Actions'],
  ['delete:actions', 'Delete Actions'],
  ['read:triggers', 'Read Triggers'],
  ['update:triggers', 'Update Triggers'],
];

/**
 * The scopes of the resources Tessera answers as empty (issue 18), so a token can read them as on Auth0;
 * a migration adds them to tenants created before.
 */
export const UNSUPPORTED_RESOURCE_SCOPES: [string, string][] = [
  ...new Set(UNSUPPORTED_RESOURCES.flatMap((r) => [r.read, r.write]).filter((s) => !ACTIONS_SCOPES.some(([v]) => v === s))),
].map((s) => [s, s.replace(/[:_]/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase())]);

/** Scopes of the system "Auth0 Management API" that Tessera implements; the bootstrap admin client holds all. */
export const MANAGEMENT_SCOPES: { value: string; description: string }[] = [
  ['read:resource_servers', 'Read Resource Servers'],
  ['create:resource_servers', 'Create Resource Servers'],
  ['update:resource_servers', 'Update Resource Servers'],
  ['delete:resource_servers', 'Delete Resource Servers'],
  ['read:tenant_settings', 'Read Tenant Settings'],
  ['update:tenant_settings', 'Update Tenant Settings'],
  ['read:clients', 'Read Clients'],
  ['read:client_keys', 'Read Client Keys'],
  ['create:clients', 'Create Clients'],
  ['update:clients', 'Update Clients'],
  ['update:client_keys', 'Update Client Keys'],
  ['delete:clients', 'Delete Clients'],
  ['read:client_grants', 'Read Client Grants'],
  ['create:client_grants', 'Create Client Grants'],
  ['update:client_grants', 'Update Client Grants'],
  ['delete:client_grants', 'Delete Client Grants'],
  ['read:users', 'Read Users'],
  ['create:users', 'Create Users'],
  ['update:users', 'Update Users'],
  ['delete:users', 'Delete Users'],
  ['read:user_idp_tokens', 'Read User IdP Tokens'],
  ['read:signing_keys', 'Read Signing Keys'],
  ['create:signing_keys', 'Create Signing Keys'],
  ['update:signing_keys', 'Update Signing Keys'],
  ['read:logs', 'Read Logs'],
  ['read:log_streams', 'Read Log Streams'],
  ['create:log_streams', 'Create Log Streams'],
  ['update:log_streams', 'Update Log Streams'],
  ['delete:log_streams', 'Delete Log Streams'],
  ['read:connections', 'Read Connections'],
  ['create:connections', 'Create Connections'],
  ['update:connections', 'Update Connections'],
  ['delete:connections', 'Delete Connections'],
  ['read:email_provider', 'Read Email Provider'],
  ['create:email_provider', 'Create Email Provider'],
  ['update:email_provider', 'Update Email Provider'],
  ['delete:email_provider', 'Delete Email Provider'],
  ['read:email_templates', 'Read Email Templates'],
  ['create:email_templates', 'Create Email Templates'],
  ['update:email_templates', 'Update Email Templates'],
  ['create:user_tickets', 'Create User Tickets'],
  ['read:roles', 'Read Roles'],
  ['create:roles', 'Create Roles'],
  ['update:roles', 'Update Roles'],
  ['delete:roles', 'Delete Roles'],
  ['read:role_members', 'Read Role Members'],
  ['create:role_members', 'Create Role Members'],
  ['delete:role_members', 'Delete Role Members'],
  ...ACTIONS_SCOPES,
  ...UNSUPPORTED_RESOURCE_SCOPES,
].map(([value, description]) => ({ value, description }));

/** Tessera's own tenant administration (not part of Auth0's API); only the default tenant holds them. */
export const TENANT_ADMIN_SCOPES: { value: string; description: string }[] = [
  ['read:tenants', 'Read Tenants (Tessera extension)'],
  ['create:tenants', 'Create Tenants (Tessera extension)'],
  ['update:tenants', 'Update Tenants (Tessera extension)'],
  ['delete:tenants', 'Delete Tenants (Tessera extension)'],
].map(([value, description]) => ({ value, description }));
