import type { ActionEntity } from './action.entity.js';
import type { ActionVersionEntity } from './action-version.entity.js';
import type { ActionResponse, ActionSecretResponse, ActionVersionResponse } from './dto/action.dto.js';

/** Builds Auth0's action body field by field; secret values have no way in. */
export function toActionResponse(e: ActionEntity, secrets: ActionSecretResponse[], deployed?: ActionVersionResponse): ActionResponse {
  const body: ActionResponse = {
    id: e.id,
    name: e.name,
    supported_triggers: e.supportedTriggers,
    all_changes_deployed: e.allChangesDeployed,
    created_at: e.createdAt,
    updated_at: e.updatedAt,
    code: e.code,
    dependencies: [],
    runtime: e.runtime,
    secrets,
    status: e.status,
  };
  if (e.builtAt) {
    body.built_at = e.builtAt;
  }
  if (deployed) {
    body.deployed_version = deployed;
  }
  return body;
}

export function toVersionResponse(v: ActionVersionEntity, action: ActionEntity, secrets: ActionSecretResponse[]): ActionVersionResponse {
  const body: ActionVersionResponse = {
    id: v.id,
    action_id: v.actionId,
    code: v.code,
    dependencies: [],
    deployed: v.deployed,
    runtime: v.runtime,
    secrets,
    status: v.status,
    number: v.number,
    errors: v.errors,
    created_at: v.createdAt,
    updated_at: v.updatedAt,
    supported_triggers: action.supportedTriggers,
    action: {
      id: action.id,
      name: action.name,
      supported_triggers: action.supportedTriggers,
      created_at: action.createdAt,
      updated_at: action.updatedAt,
    },
  };
  if (v.builtAt) {
    body.built_at = v.builtAt;
  }
  return body;
}
