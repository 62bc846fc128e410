/** A secret as sealed at rest (SecretBox, bound to its action or version): its value never leaves the server. */
export interface StoredSecret {
  name: string;
  value: string;
  updated_at: string;
}

export const draftSecretsContext = (e: { tenantId: string; id: string }) => `action_secrets:${e.tenantId}:${e.id}`;
export const versionSecretsContext = (v: { tenantId: string; id: string }) => `action_version_secrets:${v.tenantId}:${v.id}`;
