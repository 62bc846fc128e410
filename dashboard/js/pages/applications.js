// Applications (clients): the list, and a form to create one.

import { listAll, post } from '../api.js';
import { field, h } from '../dom.js';
import { code, feedback, loadProblem, onSubmit, pageHeading, section, select, table } from '../ui.js';

export const APP_TYPES = [
  { value: 'non_interactive', label: 'Machine to machine (client credentials)' },
  { value: 'regular_web', label: 'Regular web application' },
  { value: 'spa', label: 'Single-page application' },
  { value: 'native', label: 'Native application' },
];

export function appTypeLabel(value) {
  return APP_TYPES.find((t) => t.value === value)?.label ?? (value || 'Generic');
}

export async function render(view, ctx) {
  view.append(pageHeading('Applications', 'The clients that request tokens from this tenant.'));
  let clients;
  try {
    clients = await listAll('clients');
  } catch (e) {
    view.append(loadProblem(e, 'Applications are', '/api/v2/clients'));
    return;
  }
  view.append(
    table(
      'Applications of this tenant',
      ['Name', 'Client ID', 'Type', 'Grant types'],
      clients.map((c) => [h('a', { href: `applications/${encodeURIComponent(c.client_id)}` }, c.name), code(c.client_id), appTypeLabel(c.app_type), c.grant_types.join(', ')]),
      'This tenant has no applications yet.',
    ),
  );
  const fb = feedback();
  const name = h('input', { name: 'name', required: true, maxlength: '255' });
  const type = select(APP_TYPES, 'non_interactive', { name: 'app_type' });
  const form = h(
    'form',
    { class: 'card' },
    field('Name', name),
    field('Application type', type, 'Sets the default grant types and whether the application has a client secret.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create application')),
    fb.el,
  );
  onSubmit(form, fb, async () => {
    const created = await post('clients', { name: name.value.trim(), app_type: type.value });
    ctx.navigate(`applications/${encodeURIComponent(created.client_id)}`, `Application “${created.name}” created.`);
  });
  view.append(section('Create an application', form));
}
