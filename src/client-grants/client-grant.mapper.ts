import type { ClientGrantEntity } from './client-grant.entity.js';
import type { ClientGrantResponse } from './dto/client-grant.dto.js';

export function toClientGrantResponse(e: ClientGrantEntity, isSystem: boolean): ClientGrantResponse {
  const body: ClientGrantResponse = { id: e.id, client_id: e.clientId, audience: e.audience, scope: [...e.scope] };
  if (isSystem) {
    body.is_system = true;
  }
  return body;
}
