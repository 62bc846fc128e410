/** The Actions scopes (issue 17); a migration adds them to tenants created before. */
export const ACTIONS_SCOPES: [string, string][] = [
  ['read:actions', 'Read Actions'],
  ['create:actions', 'Create Actions'],
  ['update:actions', 'Update Actions'],
  ['delete:actions', 'Delete Actions'],
  ['read:triggers', 'Read Triggers'],
  ['update:triggers', 'Update Triggers'],
];

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
  ['read:roles', 'Read Roles'],
  ['create:roles', 'Create Roles'],
  ['update:roles', 'Update Roles'],
  ['delete:roles', 'Delete Roles'],
  ['read:role_members', 'Read Role Members'],
  ['create:role_members', 'Create Role Members'],
  ['delete:role_members', 'Delete Role Members'],
  ...ACTIONS_SCOPES,
].map(([value, description]) => ({ value, description }));

/** Tessera's own tenant administration (not part of Auth0's API); only the default tenant holds them. */
export const TENANT_ADMIN_SCOPES: { value: string; description: string }[] = [
  ['read:tenants', 'Read Tenants (Tessera extension)'],
  ['create:tenants', 'Create Tenants (Tessera extension)'],
  ['update:tenants', 'Update Tenants (Tessera extension)'],
  ['delete:tenants', 'Delete Tenants (Tessera extension)'],
].map(([value, description]) => ({ value, description }));
