// Why an API cannot be the tenant's Default Audience, for the picker to explain before the admin tries.
// The server decides (src/rules/audience-rules.ts, applied by PATCH /api/v2/tenants/settings); the reasons
// here start with the server rule's own words, and a browser test keeps the two in step. When they
// disagree anyway, the server's refusal is shown as it comes.

/** The reason `api` (a Management API resource server body) cannot be the Default Audience, or undefined. */
export function defaultAudienceBlocker(api) {
  if (api.signing_alg === 'HS256') {
    return 'HS256 tokens can hold only one audience; switch it to RS256 or PS256';
  }
  if (api.token_encryption) {
    return 'encrypted tokens can hold only one audience; turn off its token encryption';
  }
  return undefined;
}
