// One API: its settings (signing algorithm and secret, lifetimes, dialect, token format, encryption),
// its scopes, a "try it" panel that requests a token for it, and deletion.

import { del, get, listAll, patch, requestToken, seg } from '../api.js';
import { field, h, uid } from '../dom.js';
import { defaultAudienceBlocker } from '../rules.js';
import { inspectToken } from '../token-inspect.js';
import { code, confirmButton, feedback, loadProblem, onSubmit, pageHeading, section, select, table } from '../ui.js';
import { SIGNING_ALGS, tokenFormatLabel } from './apis.js';

const DIALECTS = [
  { value: 'access_token', label: 'access_token (Auth0 format, scopes in "scope")' },
  { value: 'access_token_authz', label: 'access_token_authz (Auth0 format plus "permissions")' },
  { value: 'rfc9068_profile', label: 'rfc9068_profile (RFC 9068 JWT profile)' },
  { value: 'rfc9068_profile_authz', label: 'rfc9068_profile_authz (RFC 9068 plus "permissions")' },
];

const FORMATS = [
  { value: 'jwt', label: 'JWT (self-contained, verified with the tenant keys)' },
  { value: 'opaque', label: 'Opaque reference (checked at /oauth/introspect; Tessera extension)' },
];

export async function render(view, ctx) {
  const [id] = ctx.params;
  let api;
  let settings;
  try {
    [api, settings] = await Promise.all([get(`resource-servers/${seg(id)}`), get('tenants/settings').catch(() => undefined)]);
  } catch (e) {
    view.append(pageHeading('API'), loadProblem(e, 'This API', '/api/v2/resource-servers'));
    return;
  }
  const heading = pageHeading(api.name, api.identifier);
  view.append(heading);
  const isDefault = settings?.default_audience === api.identifier;
  if (isDefault) {
    heading.append(h('p', { class: 'badge accent' }, 'Default Audience'));
  }
  if (api.is_system) {
    view.append(
      h('p', { class: 'notice' }, `“${api.name}” is a system API: Tessera manages it, so it cannot be changed or deleted here. You can still request a token for it below.`),
    );
  } else {
    view.append(settingsSection(api, isDefault), scopesSection(api));
  }
  view.append(await tryItSection(api));
  if (!api.is_system) {
    view.append(deleteSection(api, ctx));
  }
}

function settingsSection(initial, isDefault) {
  let api = initial;
  const fb = feedback();
  const name = h('input', { name: 'name', required: true, maxlength: '200' });
  const alg = select(
    SIGNING_ALGS.map((o) => ({ ...o, disabled: isDefault && o.value === 'HS256' })),
    api.signing_alg,
    { name: 'signing_alg' },
  );
  const secret = h('input', { name: 'signing_secret', type: 'password', autocomplete: 'off', spellcheck: 'false', minlength: '16' });
  const reveal = h('button', { type: 'button', class: 'secondary', 'aria-pressed': 'false', 'aria-controls': secret.id || (secret.id = uid('secret')) }, 'Show secret');
  reveal.addEventListener('click', () => {
    const shown = secret.type === 'password';
    secret.type = shown ? 'text' : 'password';
    reveal.setAttribute('aria-pressed', String(shown));
  });
  const secretField = h(
    'div',
    { class: 'secret-field' },
    field('Signing secret', secret, 'HS256 only: the secret the API verifies tokens with (at least 16 characters). Leave it as it is to keep it; an HS256 API without one gets a generated secret.'),
    reveal,
  );
  const lifetime = h('input', { name: 'token_lifetime', type: 'number', min: '1', max: '2592000', required: true, inputmode: 'numeric' });
  const lifetimeWeb = h('input', { name: 'token_lifetime_for_web', type: 'number', min: '1', max: '2592000', required: true, inputmode: 'numeric' });
  const dialect = select(DIALECTS, api.token_dialect, { name: 'token_dialect' });
  const format = select(FORMATS, api.access_token_format ?? 'jwt', { name: 'access_token_format' });
  const encrypt = h('input', { type: 'checkbox', name: 'token_encryption', disabled: isDefault && !api.token_encryption });
  const keyName = h('input', { name: 'encryption_key_name', maxlength: '255' });
  const pem = h('textarea', { name: 'encryption_key_pem', rows: '6', spellcheck: 'false', placeholder: '-----BEGIN PUBLIC KEY-----' });
  const encryptionFields = h(
    'div',
    { class: 'nested' },
    field('Encryption key name', keyName),
    field('Encryption public key (PEM)', pem, 'An RSA public key of at least 2048 bits; tokens are encrypted to it with RSA-OAEP-256, so only the API can read them. Leave empty to keep the current key.'),
  );
  const offline = h('input', { type: 'checkbox', name: 'allow_offline_access' });
  const skipConsent = h('input', { type: 'checkbox', name: 'skip_consent_for_verifiable_first_party_clients' });
  const rbac = h('input', { type: 'checkbox', name: 'enforce_policies' });

  const fill = () => {
    name.value = api.name;
    alg.value = api.signing_alg;
    secret.value = api.signing_secret ?? '';
    lifetime.value = String(api.token_lifetime);
    lifetimeWeb.value = String(api.token_lifetime_for_web);
    dialect.value = api.token_dialect;
    format.value = api.access_token_format ?? 'jwt';
    encrypt.checked = Boolean(api.token_encryption);
    keyName.value = api.token_encryption?.encryption_key?.name ?? '';
    pem.value = '';
    offline.checked = api.allow_offline_access;
    skipConsent.checked = api.skip_consent_for_verifiable_first_party_clients;
    rbac.checked = api.enforce_policies;
    sync();
  };
  const sync = () => {
    secretField.hidden = alg.value !== 'HS256';
    encryptionFields.hidden = !encrypt.checked;
  };
  alg.addEventListener('change', sync);
  encrypt.addEventListener('change', sync);

  const changes = () => {
    const body = {};
    if (name.value.trim() !== api.name) {
      body.name = name.value.trim();
    }
    if (alg.value !== api.signing_alg) {
      body.signing_alg = alg.value;
    }
    if (alg.value === 'HS256' && secret.value && secret.value !== (api.signing_secret ?? '')) {
      body.signing_secret = secret.value;
    }
    if (Number(lifetime.value) !== api.token_lifetime) {
      body.token_lifetime = Number(lifetime.value);
    }
    if (Number(lifetimeWeb.value) !== api.token_lifetime_for_web) {
      body.token_lifetime_for_web = Number(lifetimeWeb.value);
    }
    if (dialect.value !== api.token_dialect) {
      body.token_dialect = dialect.value;
    }
    if (format.value !== (api.access_token_format ?? 'jwt')) {
      body.access_token_format = format.value;
    }
    if (!encrypt.checked && api.token_encryption) {
      body.token_encryption = null;
    } else if (encrypt.checked && (pem.value.trim() || keyName.value.trim() !== (api.token_encryption?.encryption_key?.name ?? ''))) {
      const current = api.token_encryption?.encryption_key;
      body.token_encryption = {
        format: 'compact-nested-jwe',
        encryption_key: { name: keyName.value.trim(), alg: 'RSA-OAEP-256', pem: pem.value.trim() || current?.pem || '' },
      };
    }
    for (const [box, key] of [
      [offline, 'allow_offline_access'],
      [skipConsent, 'skip_consent_for_verifiable_first_party_clients'],
      [rbac, 'enforce_policies'],
    ]) {
      if (box.checked !== api[key]) {
        body[key] = box.checked;
      }
    }
    return body;
  };

  const form = h(
    'form',
    { class: 'card' },
    field('Name', name),
    field(
      'Signing algorithm',
      alg,
      isDefault
        ? 'This API is the Default Audience, whose tokens may also carry the userinfo audience, so HS256 (one audience only) is not offered. Change the Default Audience in Tenant settings first.'
        : 'RS256 and PS256 use the tenant signing keys; HS256 uses the secret below and limits tokens to this one audience.',
    ),
    secretField,
    h('div', { class: 'row' }, field('Token lifetime (seconds)', lifetime), field('Token lifetime for browser flows (seconds)', lifetimeWeb, 'At most the token lifetime.')),
    field('Token dialect', dialect),
    field('Access token format', format),
    field(
      'Encrypt access tokens (nested JWE)',
      encrypt,
      isDefault && !api.token_encryption ? 'Not available for the Default Audience: encrypted tokens can hold only one audience.' : undefined,
    ),
    encryptionFields,
    field('Allow offline access (refresh tokens)', offline),
    field('Skip user consent for verifiable first-party applications', skipConsent),
    field('Enable RBAC (enforce permissions)', rbac),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save settings')),
    fb.el,
  );
  onSubmit(form, fb, async () => {
    const body = changes();
    const fields = Object.keys(body);
    if (fields.length === 0) {
      return 'Nothing changed.';
    }
    api = await patch(`resource-servers/${seg(api.id)}`, body);
    fill();
    return `Saved ${fields.join(', ')}. “${api.name}” now signs with ${api.signing_alg}; tokens: ${tokenFormatLabel(api)}.`;
  });
  fill();
  return section('Settings', form);
}

function scopesSection(initial) {
  let api = initial;
  const fb = feedback();
  const list = h('div');
  const save = async (scopes, message) => {
    api = await patch(`resource-servers/${seg(api.id)}`, { scopes });
    draw();
    return message;
  };
  const draw = () => {
    list.replaceChildren(
      table(
        `Scopes of ${api.name}`,
        ['Scope', 'Description', 'Actions'],
        api.scopes.map((s) => [
          code(s.value),
          s.description ?? '',
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              'aria-label': `Remove scope ${s.value}`,
              onclick: (e) => busyRemove(e.currentTarget, s.value),
            },
            'Remove',
          ),
        ]),
        'No scopes yet.',
      ),
    );
  };
  const busyRemove = async (button, value) => {
    button.disabled = true;
    fb.clear();
    try {
      fb.status(await save(api.scopes.filter((s) => s.value !== value), `Scope ${value} removed.`));
      form.querySelector('input')?.focus();
    } catch (e) {
      button.disabled = false;
      fb.error(e.message);
    }
  };
  const value = h('input', { name: 'scope_value', required: true, maxlength: '280', spellcheck: 'false', placeholder: 'read:orders' });
  const description = h('input', { name: 'scope_description', maxlength: '500' });
  const form = h(
    'form',
    { class: 'inline-form' },
    field('New scope', value),
    field('Description', description),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Add scope')),
  );
  onSubmit(form, fb, async () => {
    const scope = description.value.trim() ? { value: value.value.trim(), description: description.value.trim() } : { value: value.value.trim() };
    const message = await save([...api.scopes, scope], `Scope ${scope.value} added.`);
    value.value = '';
    description.value = '';
    return message;
  });
  draw();
  return section('Scopes', list, form, fb.el);
}

async function tryItSection(api) {
  const intro = h(
    'p',
    {},
    'Request a token for this API with the client credentials grant, as one of its machine-to-machine applications would, and see what it gets: format, header and claims.',
  );
  let grants;
  let clients;
  try {
    [grants, clients] = await Promise.all([listAll('client-grants', { audience: api.identifier }), listAll('clients')]);
  } catch (e) {
    return section('Try it', intro, loadProblem(e, 'Client grants are', '/api/v2/client-grants'));
  }
  const byId = new Map(clients.map((c) => [c.client_id, c]));
  const usable = grants.filter((g) => byId.has(g.client_id));
  if (usable.length === 0) {
    return section(
      'Try it',
      intro,
      h('p', { class: 'notice' }, 'No application holds a grant on this API yet. Authorize one on its page under ', h('a', { href: 'applications' }, 'Applications'), ', then come back.'),
    );
  }
  const fb = feedback();
  const options = usable.map((g) => {
    const c = byId.get(g.client_id);
    const method = c.token_endpoint_auth_method;
    const noSecret = method === 'none' || method === 'private_key_jwt';
    const scopes = g.scope?.length ? g.scope.join(' ') : 'no scopes';
    return {
      value: c.client_id,
      label: `${c.name} (${c.client_id}) · ${scopes}${noSecret ? ` · unavailable: it authenticates with ${method}, not a secret` : ''}`,
      disabled: noSecret,
    };
  });
  const client = select(options, options.find((o) => !o.disabled)?.value, { name: 'client' });
  const scope = h('input', { name: 'scope', spellcheck: 'false' });
  const output = h('div', { class: 'token-output' });
  const form = h(
    'form',
    { class: 'card' },
    field('Application', client, 'Its client secret is read through the Management API for this one request and not kept.'),
    field('Scope (optional)', scope, 'Space-separated; leave empty to get every scope the grant holds.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Request token')),
    fb.el,
  );
  onSubmit(form, fb, async () => {
    output.replaceChildren();
    const app = await get(`clients/${seg(client.value)}`);
    if (!app.client_secret) {
      throw new Error(`The Management API did not return a secret for ${app.name}; the token needs read:client_keys.`);
    }
    const params = { grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret, audience: api.identifier };
    if (scope.value.trim()) {
      params.scope = scope.value.trim();
    }
    const token = await requestToken(params);
    output.replaceChildren(...describeToken(token));
    return `Token issued to ${app.name}: ${summary(inspectToken(token.access_token))}.`;
  });
  return section('Try it', intro, form, output);
}

function summary(inspected) {
  switch (inspected.kind) {
    case 'jws':
      return `a JWT signed with ${inspected.header.alg}`;
    case 'jwe':
      return `an encrypted JWT (JWE, ${inspected.header.alg} + ${inspected.header.enc})`;
    default:
      return 'an opaque reference token';
  }
}

function json(value) {
  return h('pre', { class: 'json', tabindex: '0' }, JSON.stringify(value, null, 2));
}

function describeToken(token) {
  const inspected = inspectToken(token.access_token);
  const facts = [
    ['Format', summary(inspected)],
    ['Token type', token.token_type],
    ['Expires in', `${token.expires_in} s`],
    ['Scope', token.scope || '(none)'],
  ];
  if (inspected.kind === 'jws') {
    const aud = inspected.claims.aud;
    facts.push(['Audience', Array.isArray(aud) ? aud.join(', ') : String(aud)]);
  }
  const parts = [h('h3', {}, 'Result'), h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))];
  if (inspected.kind === 'jws') {
    parts.push(
      h('h4', {}, 'JOSE header'),
      json(inspected.header),
      h('h4', {}, 'Claims'),
      json(inspected.claims),
      h('p', { class: 'hint' }, 'Decoded in this browser; the signature was not checked here. APIs verify it with the keys at /.well-known/jwks.json (or the HS256 secret).'),
    );
  } else if (inspected.kind === 'jwe') {
    parts.push(
      h('p', {}, 'The token is encrypted to the API’s own public key, so its claims cannot be shown here: only the API, holding the private key, can decrypt them. Its protected header is readable:'),
      h('h4', {}, 'JOSE header (JWE protected header)'),
      json(inspected.header),
    );
  } else {
    parts.push(
      h('p', {}, 'This is not a JWT: an opaque reference token carries no readable header or claims. The API looks it up at POST /oauth/introspect (RFC 7662) to learn its claims.'),
    );
  }
  const raw = h('textarea', { readonly: true, rows: '4', spellcheck: 'false', 'aria-label': 'Raw access token' });
  raw.value = token.access_token;
  parts.push(h('details', {}, h('summary', {}, 'Raw access token'), raw));
  return parts;
}

function deleteSection(api, ctx) {
  const fb = feedback();
  return section(
    'Delete this API',
    h('p', {}, 'Deleting an API also deletes every grant applications hold on it. Tokens already issued stay valid until they expire.'),
    confirmButton({ label: 'Delete API', confirm: `Delete “${api.name}”`, question: `Delete “${api.name}” (${api.identifier}) for good?` }, fb, async () => {
      await del(`resource-servers/${seg(api.id)}`);
      ctx.navigate('apis', `API “${api.name}” deleted.`);
    }),
    fb.el,
  );
}
