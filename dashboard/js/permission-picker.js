// Picking permissions: an API, then the scopes of it to give. Shared by a role's page and a user's.

import { field, h } from './dom.js';
import { select } from './ui.js';

/** `apis` are resource servers (not the system one). `chosen()` lists the ticked permissions in Auth0's body shape. */
export function permissionPicker(apis) {
  const api = select(apis.map((a) => ({ value: a.identifier, label: `${a.name} (${a.identifier})` })), apis[0]?.identifier, { name: 'api' });
  const scopes = h('fieldset', { class: 'checks' });
  const reset = () => {
    const current = apis.find((a) => a.identifier === api.value);
    scopes.replaceChildren(
      h('legend', {}, `Scopes of ${current.name}`),
      ...(current.scopes.length === 0
        ? [h('p', { class: 'empty' }, 'This API defines no scopes.')]
        : current.scopes.map((s) => field(s.value, h('input', { type: 'checkbox', name: 'scope', value: s.value }), s.description))),
    );
  };
  api.addEventListener('change', reset);
  if (apis.length > 0) {
    reset();
  }
  return {
    el: apis.length === 0 ? h('p', { class: 'empty' }, 'Create an API with scopes first: permissions are the scopes of an API.') : h('div', {}, field('API', api), scopes),
    chosen: () =>
      [...scopes.querySelectorAll('input:checked')].map((i) => ({ resource_server_identifier: api.value, permission_name: i.value })),
    reset,
    empty: apis.length === 0,
  };
}

/** A listed permission as the body of an assignment or a removal names it. */
export const permissionRef = (p) => ({ resource_server_identifier: p.resource_server_identifier, permission_name: p.permission_name });
