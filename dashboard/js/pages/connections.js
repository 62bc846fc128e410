// Database connections: each one's password policy, sign-up switch, brute-force protection and the
// applications enabled on it. Saving sends `options` and `enabled_clients` whole, as the API replaces them.

import { get, listAll, patch, seg } from '../api.js';
import { field, h } from '../dom.js';
import { code, feedback, loadProblem, onSubmit, pageHeading, section, select } from '../ui.js';

const POLICIES = [
  { value: 'none', label: 'None: at least 1 character' },
  { value: 'low', label: 'Low: at least 6 characters' },
  { value: 'fair', label: 'Fair: at least 8 characters with lower case, upper case and numbers' },
  { value: 'good', label: 'Good: at least 8 characters with 3 of lower case, upper case, numbers, special characters' },
  { value: 'excellent', label: 'Excellent: at least 10 characters, 3 of 4 character types, no more than 2 identical characters in a row' },
];

export async function render(view) {
  view.append(pageHeading('Database connections', 'Where users sign up and log in, with the rules for their passwords.'));
  let connections;
  let clients;
  try {
    [connections, clients] = await Promise.all([get('connections?strategy=auth0'), listAll('clients')]);
  } catch (e) {
    view.append(loadProblem(e, 'Connections are', '/api/v2/connections'));
    return;
  }
  for (const connection of connections) {
    view.append(connectionSection(connection, clients));
  }
}

function connectionSection(initial, clients) {
  let connection = initial;
  const fb = feedback();
  const policy = select(POLICIES, connection.options.passwordPolicy ?? 'good', { name: 'passwordPolicy' });
  const minLength = h('input', { name: 'min_length', type: 'number', min: '1', max: '128', step: '1' });
  const history = h('input', { name: 'password_history', type: 'number', min: '0', max: '24', step: '1' });
  const dictionary = h('input', { type: 'checkbox', name: 'password_dictionary' });
  const personal = h('input', { type: 'checkbox', name: 'password_no_personal_info' });
  const signup = h('input', { type: 'checkbox', name: 'signup_enabled' });
  const bruteForce = h('input', { type: 'checkbox', name: 'brute_force_protection' });
  const apps = clients
    // The Tessera Dashboard client always signs in through the database connection; it is not listed.
    .filter((c) => c.name !== 'Tessera Dashboard')
    .map((c) => ({ id: c.client_id, box: h('input', { type: 'checkbox', name: 'enabled_clients', value: c.client_id }), name: c.name }));

  const fill = () => {
    const o = connection.options;
    policy.value = o.passwordPolicy ?? 'good';
    minLength.value = o.password_complexity_options?.min_length ?? '';
    history.value = o.password_history?.enable ? String(o.password_history.size ?? 5) : '0';
    dictionary.checked = Boolean(o.password_dictionary?.enable);
    personal.checked = Boolean(o.password_no_personal_info?.enable);
    signup.checked = o.disable_signup !== true;
    bruteForce.checked = o.brute_force_protection !== false;
    for (const app of apps) {
      app.box.checked = connection.enabled_clients.includes(app.id);
    }
  };

  const form = h(
    'form',
    { class: 'card' },
    h('p', {}, 'Identifier ', code(connection.id), '. Strategy ', code(connection.strategy), '.'),
    field('Password policy', policy),
    h(
      'div',
      { class: 'row' },
      field('Minimum length', minLength, 'Overrides the length of the policy; empty for the policy’s own.'),
      field('Password history', history, 'How many previous passwords a new one must differ from; 0 for none.'),
    ),
    field('Refuse common passwords', dictionary),
    field('Refuse passwords containing the user’s name or email', personal),
    field('Allow sign-up', signup, 'Off: only the Management API creates users.'),
    field('Brute-force protection', bruteForce),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Applications enabled on this connection'),
      apps.length === 0 ? h('p', { class: 'hint' }, 'No applications yet.') : apps.map((a) => field(a.name, a.box)),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, `Save ${connection.name}`)),
    fb.el,
  );
  onSubmit(form, fb, async () => {
    const options = { ...connection.options, passwordPolicy: policy.value };
    if (minLength.value.trim() === '') {
      delete options.password_complexity_options;
    } else {
      options.password_complexity_options = { ...options.password_complexity_options, min_length: Number(minLength.value) };
    }
    const size = Number(history.value || '0');
    options.password_history = size > 0 ? { enable: true, size } : { enable: false, size: options.password_history?.size ?? 5 };
    options.password_dictionary = { ...options.password_dictionary, enable: dictionary.checked };
    options.password_no_personal_info = { enable: personal.checked };
    options.disable_signup = !signup.checked;
    options.brute_force_protection = bruteForce.checked;
    const enabled = apps.filter((a) => a.box.checked).map((a) => a.id);
    // Clients the page does not list (none today) keep their state.
    const others = connection.enabled_clients.filter((id) => !apps.some((a) => a.id === id));
    connection = await patch(`connections/${seg(connection.id)}`, { options, enabled_clients: [...others, ...enabled] });
    fill();
    return `Saved ${connection.name}.`;
  });
  fill();
  return section(connection.name, form);
}
