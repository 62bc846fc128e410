// APIs (resource servers): the list, and a form to create one.

import { get, listAll, post } from '../api.js';
import { field, h } from '../dom.js';
import { code, feedback, loadProblem, onSubmit, pageHeading, section, select, table } from '../ui.js';

export const SIGNING_ALGS = [
  { value: 'RS256', label: 'RS256 (RSA signature, the tenant key)' },
  { value: 'PS256', label: 'PS256 (RSA-PSS signature, the tenant key)' },
  { value: 'HS256', label: 'HS256 (shared secret, one audience only)' },
];

/** How an API's tokens look, in a few words. */
export function tokenFormatLabel(api) {
  if (api.access_token_format === 'opaque') {
    return 'opaque reference';
  }
  return api.token_encryption ? `JWT, encrypted (JWE)` : 'JWT';
}

export async function render(view, ctx) {
  view.append(pageHeading('APIs', 'The resource servers tokens are issued for.'));
  let list;
  let settings;
  try {
    [list, settings] = await Promise.all([listAll('resource-servers'), get('tenants/settings').catch(() => undefined)]);
  } catch (e) {
    view.append(loadProblem(e, 'The list of APIs', '/api/v2/resource-servers'));
    return;
  }
  const defaultAudience = settings?.default_audience;
  view.append(
    table(
      'APIs of this tenant',
      ['Name', 'Identifier', 'Signing algorithm', 'Token format', 'Notes'],
      list.map((api) => [
        h('a', { href: `apis/${encodeURIComponent(api.id)}` }, api.name),
        code(api.identifier),
        api.signing_alg,
        tokenFormatLabel(api),
        [api.is_system ? h('span', { class: 'badge' }, 'System API') : null, api.identifier === defaultAudience ? h('span', { class: 'badge accent' }, 'Default Audience') : null],
      ]),
      'This tenant has no APIs yet.',
    ),
  );

  const fb = feedback();
  const name = h('input', { name: 'name', required: true, maxlength: '200' });
  const identifier = h('input', { name: 'identifier', required: true, maxlength: '600', spellcheck: 'false', placeholder: 'https://orders.example.com' });
  const alg = select(SIGNING_ALGS, 'RS256', { name: 'signing_alg' });
  const form = h(
    'form',
    { class: 'card' },
    field('Name', name),
    field('Identifier', identifier, 'The audience tokens for this API carry, usually a URL. It cannot be changed later.'),
    field('Signing algorithm', alg, 'RS256 and PS256 tokens are verified with the public keys at /.well-known/jwks.json; HS256 tokens with a secret shared with the API.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create API')),
    fb.el,
  );
  onSubmit(form, fb, async () => {
    const created = await post('resource-servers', { name: name.value.trim(), identifier: identifier.value.trim(), signing_alg: alg.value });
    ctx.navigate(`apis/${encodeURIComponent(created.id)}`, `API “${created.name}” created.`);
  });
  view.append(section('Create an API', form));
}
