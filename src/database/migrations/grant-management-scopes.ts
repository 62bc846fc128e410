import type { QueryRunner } from 'typeorm';

/**
 * For migrations that add Management API scopes: each tenant's system Management API gains `scopes`
 * (value, description) it does not define yet, and its admin client's grant on that API holds them, as a
 * tenant created now would. Idempotent; written once and never changed, like the migrations that call it.
 */
export async function grantManagementScopes(q: QueryRunner, scopes: readonly (readonly [string, string])[]): Promise<void> {
  const p = (i: number) => (q.connection.options.type === 'postgres' ? `$${i}` : '?');
  const apis = (await q.query('SELECT id, tenant_id, identifier, scopes FROM resource_servers WHERE is_system = TRUE')) as {
    id: string;
    tenant_id: string;
    identifier: string;
    scopes: string;
  }[];
  for (const api of apis) {
    const defined = JSON.parse(api.scopes) as { value: string; description?: string }[];
    const missing = scopes.filter(([v]) => !defined.some((s) => s.value === v));
    if (missing.length > 0) {
      const next = [...defined, ...missing.map(([value, description]) => ({ value, description }))];
      await q.query(`UPDATE resource_servers SET scopes = ${p(1)} WHERE id = ${p(2)}`, [JSON.stringify(next), api.id]);
    }
    const grants = (await q.query(
      `SELECT g.id, g.scope FROM client_grants g JOIN clients c ON c.tenant_id = g.tenant_id AND c.client_id = g.client_id
       WHERE g.tenant_id = ${p(1)} AND g.audience = ${p(2)} AND c.system_role = 'admin'`,
      [api.tenant_id, api.identifier],
    )) as { id: string; scope: string }[];
    for (const g of grants) {
      const held = JSON.parse(g.scope) as string[];
      const next = [...held, ...scopes.map(([v]) => v).filter((v) => !held.includes(v))];
      if (next.length > held.length) {
        await q.query(`UPDATE client_grants SET scope = ${p(1)} WHERE id = ${p(2)}`, [JSON.stringify(next), g.id]);
      }
    }
  }
}
