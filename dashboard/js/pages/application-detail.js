// One application: its credentials (secret shown on request, rotation), settings, the APIs it may call
// with client credentials (client grants), and deletion.

import { del, get, listAll, patch, post, seg } from '../api.js';
import { field, formatDate, h, uid } from '../dom.js';
import { code, confirmButton, feedback, lines, loadProblem, onSubmit, pageHeading, section, select, table } from '../ui.js';
import { APP_TYPES, appTypeLabel } from './applications.js';

const GRANT_TYPES = [
  ['client_credentials', 'Client credentials'],
  ['authorization_code', 'Authorization code'],
  ['refresh_token', 'Refresh token'],
  ['implicit', 'Implicit'],
  ['password', 'Password'],
  ['urn:ietf:params:oauth:grant-type:device_code', 'Device code'],
];

const AUTH_METHODS = [
  { value: 'client_secret_post', label: 'Client secret in the POST body' },
  { value: 'client_secret_basic', label: 'Client secret in HTTP Basic' },
  { value: 'none', label: 'None (public application)' },
];

export async function render(view, ctx) {
  const [clientId] = ctx.params;
  let client;
  try {
    client = await get(`clients/${seg(clientId)}`);
  } catch (e) {
    view.append(pageHeading('Application'), loadProblem(e, 'This application', '/api/v2/clients'));
    return;
  }
  view.append(
    pageHeading(client.name, `${appTypeLabel(client.app_type)} · created ${formatDate(client.created_at)}`),
    credentialsSection(client),
    settingsSection(client),
    await grantsSection(client),
    deleteSection(client, ctx),
  );
}

function credentialsSection(initial) {
  let client = initial;
  const fb = feedback();
  const secret = h('input', { type: 'password', readonly: true, spellcheck: 'false', autocomplete: 'off', class: 'mono' });
  const reveal = h('button', { type: 'button', class: 'secondary', 'aria-pressed': 'false' }, 'Show secret');
  reveal.addEventListener('click', () => {
    const shown = secret.type === 'password';
    secret.type = shown ? 'text' : 'password';
    reveal.setAttribute('aria-pressed', String(shown));
  });
  const fill = () => {
    secret.value = client.client_secret ?? '';
  };
  const hasSecret = client.token_endpoint_auth_method !== 'none';
  fill();
  return section(
    'Credentials',
    h('dl', { class: 'facts' }, h('dt', {}, 'Client ID'), h('dd', {}, code(client.client_id)), h('dt', {}, 'Authentication'), h('dd', {}, client.token_endpoint_auth_method)),
    hasSecret
      ? h(
          'div',
          {},
          h('div', { class: 'secret-field' }, field('Client secret', secret), reveal),
          client.client_secret === undefined ? h('p', { class: 'hint' }, 'The secret is not shown: the signed-in token lacks read:client_keys.') : null,
          confirmButton({ label: 'Rotate secret', confirm: 'Rotate now', question: 'The current secret stops working at once. Rotate?' }, fb, async () => {
            client = await post(`clients/${seg(client.client_id)}/rotate-secret`);
            fill();
            return 'Secret rotated. The old secret no longer works; update the application.';
          }),
        )
      : h('p', {}, 'A public application has no client secret.'),
    fb.el,
  );
}

function settingsSection(initial) {
  let client = initial;
  const fb = feedback();
  const name = h('input', { name: 'name', required: true, maxlength: '255' });
  const description = h('input', { name: 'description', maxlength: '140' });
  const type = select(APP_TYPES, client.app_type, { name: 'app_type' });
  const method = select(AUTH_METHODS, client.token_endpoint_auth_method, { name: 'token_endpoint_auth_method' });
  const callbacks = h('textarea', { name: 'callbacks', rows: '3', spellcheck: 'false' });
  const logoutUrls = h('textarea', { name: 'allowed_logout_urls', rows: '3', spellcheck: 'false' });
  const origins = h('textarea', { name: 'web_origins', rows: '3', spellcheck: 'false' });
  const corsOrigins = h('textarea', { name: 'allowed_origins', rows: '3', spellcheck: 'false' });
  const grantBoxes = GRANT_TYPES.map(([value, label]) => ({ value, box: h('input', { type: 'checkbox', name: 'grant_types', value }), label }));
  const fill = () => {
    name.value = client.name;
    description.value = client.description ?? '';
    type.value = client.app_type ?? 'regular_web';
    method.value = client.token_endpoint_auth_method;
    callbacks.value = client.callbacks.join('\n');
    logoutUrls.value = client.allowed_logout_urls.join('\n');
    origins.value = client.web_origins.join('\n');
    corsOrigins.value = client.allowed_origins.join('\n');
    for (const g of grantBoxes) {
      g.box.checked = client.grant_types.includes(g.value);
    }
  };
  const sameList = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
  const form = h(
    'form',
    { class: 'card' },
    field('Name', name),
    field('Description', description),
    h('div', { class: 'row' }, field('Application type', type), field('Token endpoint authentication', method)),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Grant types'),
      grantBoxes.map((g) => field(g.label, g.box)),
    ),
    field('Allowed callback URLs', callbacks, 'One per line.'),
    field('Allowed logout URLs', logoutUrls, 'One per line.'),
    field('Allowed web origins', origins, 'One per line. Silent authentication (web_message) and popups answer these origins.'),
    field('Allowed origins (CORS)', corsOrigins, 'One per line, in addition to the web origins and the callback URLs\u2019 origins.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save settings')),
    fb.el,
  );
  onSubmit(form, fb, async () => {
    const body = {};
    if (name.value.trim() !== client.name) {
      body.name = name.value.trim();
    }
    if (description.value.trim() !== (client.description ?? '')) {
      body.description = description.value.trim();
    }
    if (type.value !== client.app_type) {
      body.app_type = type.value;
    }
    if (method.value !== client.token_endpoint_auth_method) {
      body.token_endpoint_auth_method = method.value;
    }
    for (const [input, key] of [
      [callbacks, 'callbacks'],
      [logoutUrls, 'allowed_logout_urls'],
      [origins, 'web_origins'],
      [corsOrigins, 'allowed_origins'],
    ]) {
      if (!sameList(lines(input.value), client[key])) {
        body[key] = lines(input.value);
      }
    }
    const grants = grantBoxes.filter((g) => g.box.checked).map((g) => g.value);
    const keptUnknown = client.grant_types.filter((g) => !GRANT_TYPES.some(([v]) => v === g));
    if (!sameList([...grants].sort(), client.grant_types.filter((g) => !keptUnknown.includes(g)).sort())) {
      body.grant_types = [...grants, ...keptUnknown];
    }
    if (Object.keys(body).length === 0) {
      return 'Nothing changed.';
    }
    client = await patch(`clients/${seg(client.client_id)}`, body);
    fill();
    return `Saved ${Object.keys(body).join(', ')}.`;
  });
  fill();
  return section('Settings', form);
}

async function grantsSection(client) {
  const intro = h('p', {}, 'The APIs this application may get tokens for with the client credentials grant, and the scopes it may ask for.');
  let grants;
  let apis;
  try {
    [grants, apis] = await Promise.all([listAll('client-grants', { client_id: client.client_id }), listAll('resource-servers')]);
  } catch (e) {
    return section('API access', intro, loadProblem(e, 'Client grants are', '/api/v2/client-grants'));
  }
  const fb = feedback();
  const body = h('div');
  const byIdentifier = () => new Map(apis.map((a) => [a.identifier, a]));

  const scopeBoxes = (api, chosen, group) =>
    api && api.scopes.length > 0
      ? h(
          'fieldset',
          { class: 'scopes' },
          h('legend', {}, `Scopes of ${api.name}`),
          api.scopes.map((s) => field(s.description ? `${s.value} (${s.description})` : s.value, h('input', { type: 'checkbox', name: group, value: s.value, checked: chosen.includes(s.value) }))),
        )
      : h('p', { class: 'hint' }, 'This API defines no scopes; the grant allows tokens without scopes.');
  const checked = (container) => [...container.querySelectorAll('input[type=checkbox]:checked')].map((b) => b.value);

  const draw = () => {
    const map = byIdentifier();
    const rows = grants.map((g) => {
      const api = map.get(g.audience);
      const editor = h('form', { class: 'grant-scopes' }, scopeBoxes(api, g.scope ?? [], uid('grant')));
      if (api && api.scopes.length > 0) {
        editor.append(h('button', { type: 'submit', class: 'secondary' }, `Save scopes for ${api.name}`));
      }
      onSubmit(editor, fb, async () => {
        const updated = await patch(`client-grants/${seg(g.id)}`, { scope: checked(editor) });
        grants = grants.map((x) => (x.id === updated.id ? updated : x));
        draw();
        return `Scopes for ${api?.name ?? g.audience} saved.`;
      });
      return [
        api ? h('a', { href: `apis/${encodeURIComponent(api.id)}` }, api.name) : g.audience,
        code(g.audience),
        editor,
        confirmButton(
          { label: 'Revoke access', name: `Revoke access to ${api?.name ?? g.audience}`, confirm: 'Revoke', question: 'New tokens for this API will be refused.' },
          fb,
          async () => {
            await del(`client-grants/${seg(g.id)}`);
            grants = grants.filter((x) => x.id !== g.id);
            draw();
            return `Access to ${api?.name ?? g.audience} revoked.`;
          },
        ),
      ];
    });
    const granted = new Set(grants.map((g) => g.audience));
    const candidates = apis.filter((a) => !granted.has(a.identifier));
    const addForm = h('form', { class: 'card' });
    if (candidates.length === 0) {
      addForm.append(h('p', {}, 'This application holds a grant on every API.'));
    } else {
      const apiSelect = select(
        candidates.map((a) => ({ value: a.identifier, label: `${a.name} (${a.identifier})` })),
        candidates[0].identifier,
        { name: 'audience' },
      );
      const scopesBox = h('div');
      const showScopes = () => scopesBox.replaceChildren(scopeBoxes(map.get(apiSelect.value), [], 'new-grant'));
      apiSelect.addEventListener('change', showScopes);
      showScopes();
      addForm.append(field('API', apiSelect), scopesBox, h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Authorize')));
      onSubmit(addForm, fb, async () => {
        const created = await post('client-grants', { client_id: client.client_id, audience: apiSelect.value, scope: checked(scopesBox) });
        grants = [...grants, created];
        draw();
        return `${client.name} may now get tokens for ${map.get(created.audience)?.name ?? created.audience}.`;
      });
    }
    body.replaceChildren(
      table(`APIs ${client.name} may call`, ['API', 'Identifier', 'Scopes', 'Actions'], rows, 'No API access yet.'),
      h('h3', {}, 'Authorize an API'),
      addForm,
    );
  };
  draw();
  return section('API access', intro, body, fb.el);
}

function deleteSection(client, ctx) {
  const fb = feedback();
  return section(
    'Delete this application',
    h('p', {}, 'Its grants go with it, and it can no longer get tokens.'),
    confirmButton({ label: 'Delete application', confirm: `Delete “${client.name}”`, question: `Delete “${client.name}” (${client.client_id}) for good?` }, fb, async () => {
      await del(`clients/${seg(client.client_id)}`);
      ctx.navigate('applications', `Application “${client.name}” deleted.`);
    }),
    fb.el,
  );
}
