// What the sample apps' setup scripts share: a Management API session for the bootstrap admin client,
// an API and a demo user created when missing.
import { randomBytes } from 'node:crypto';

/** A JSON caller for Tessera at `base`: `call(method, path, body, token)` answers the body, throws on 4xx/5xx. */
export function caller(base) {
  return async function call(method, path, body, token) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await res.json().catch(() => undefined);
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
}

/** A Management API caller for Tessera at `base` (ADMIN_CLIENT_ID / ADMIN_CLIENT_SECRET from the env). */
export async function managementApi(base) {
  const call = caller(base);
  const { access_token: admin } = await call('POST', '/oauth/token', {
    grant_type: 'client_credentials',
    client_id: process.env.ADMIN_CLIENT_ID,
    client_secret: process.env.ADMIN_CLIENT_SECRET,
    audience: `${base}/api/v2/`,
  });
  return (method, path, body) => call(method, path, body, admin);
}

/** An RS256 API that allows refresh tokens, created unless it exists. */
export async function ensureApi(api, identifier, name) {
  const found = await api('GET', `/api/v2/resource-servers?identifiers=${encodeURIComponent(identifier)}`);
  if (found.length === 0) {
    await api('POST', '/api/v2/resource-servers', { name, identifier, signing_alg: 'RS256', allow_offline_access: true });
  }
}

/** A user on the database connection with a fresh password that meets its policy; returns the password. */
export async function ensureUser(api, email) {
  const password = process.env.USER_PASSWORD ?? `Demo-${randomBytes(6).toString('base64url')}-7a`;
  const [existing] = await api('GET', `/api/v2/users-by-email?email=${encodeURIComponent(email)}`);
  if (existing) {
    await api('PATCH', `/api/v2/users/${encodeURIComponent(existing.user_id)}`, { password });
  } else {
    await api('POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email, password, name: 'Demo User', email_verified: true });
  }
  return password;
}
