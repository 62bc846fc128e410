// Tenant settings: the Default Audience picker (offering only APIs the rule allows, and saying why the
// others are not), and the tenant's general settings.

import { get, listAll, patch } from '../api.js';
import { append, clear, field, h, uid } from '../dom.js';
import { defaultAudienceBlocker } from '../rules.js';
import { code, feedback, loadProblem, onSubmit, pageHeading, section, select } from '../ui.js';

export async function render(view, ctx) {
  view.append(pageHeading('Tenant settings', ctx.tenant.issuer));
  let settings;
  let apis;
  try {
    [settings, apis] = await Promise.all([get('tenants/settings'), listAll('resource-servers')]);
  } catch (e) {
    view.append(loadProblem(e, 'The tenant settings', '/api/v2/tenants/settings'));
    return;
  }
  view.append(defaultAudienceSection(settings, apis, ctx), generalSection(settings));
}

function defaultAudienceSection(initial, apis, ctx) {
  let settings = initial;
  const fb = feedback();
  const reasonsId = uid('reasons');
  const current = h('p', { class: 'current' });
  const picker = h('select', { name: 'default_audience', 'aria-describedby': reasonsId });
  const reasons = h('div', { id: reasonsId });

  const draw = () => {
    const byIdentifier = new Map(apis.map((a) => [a.identifier, a]));
    const chosen = byIdentifier.get(settings.default_audience);
    append(clear(current), [
      'Current Default Audience: ',
      settings.default_audience ? (chosen ? [chosen.name, ' (', code(chosen.identifier), ')'] : code(settings.default_audience)) : 'none',
    ]);
    const blocked = apis.map((api) => ({ api, reason: defaultAudienceBlocker(api) })).filter((b) => b.reason);
    const options = [{ value: '', label: 'None: a request without audience gets no access token for an API' }];
    for (const api of apis) {
      const reason = defaultAudienceBlocker(api);
      options.push({
        value: api.identifier,
        label: `${api.name} (${api.identifier})${reason ? ` — not available: ${reason}` : ''}`,
        // The current value stays selectable so the picker shows what the server holds.
        disabled: Boolean(reason) && api.identifier !== settings.default_audience,
      });
    }
    picker.replaceChildren(...select(options, settings.default_audience).children);
    picker.value = settings.default_audience;
    reasons.replaceChildren(
      blocked.length === 0
        ? h('p', { class: 'hint' }, 'Every API can be the Default Audience.')
        : h(
            'div',
            { class: 'hint' },
            h('p', {}, 'Some APIs cannot be the Default Audience, because tokens for the Default Audience also carry the userinfo audience when “openid” is requested:'),
            h(
              'ul',
              { class: 'reasons' },
              blocked.map(({ api, reason }) =>
                h('li', { 'data-identifier': api.identifier }, h('a', { href: `apis/${encodeURIComponent(api.id)}` }, api.name), ` (${api.identifier}): ${reason}.`),
              ),
            ),
          ),
    );
  };

  const form = h(
    'form',
    { class: 'card' },
    h(
      'p',
      {},
      'The API a token is for when the request names no audience. Its tokens also carry ',
      code(`${ctx.tenant.issuer}userinfo`),
      ' when “openid” is requested, so only APIs whose tokens can hold two audiences qualify.',
    ),
    current,
    field('Default Audience', picker),
    reasons,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save Default Audience')),
    fb.el,
  );
  onSubmit(form, fb, async () => {
    settings = await patch('tenants/settings', { default_audience: picker.value });
    draw();
    return settings.default_audience ? `Default Audience set to ${settings.default_audience}.` : 'Default Audience cleared.';
  });
  draw();
  return section('Default Audience', form);
}

function generalSection(initial) {
  let settings = initial;
  const fb = feedback();
  const text = (name, props = {}) => h('input', { name, ...props });
  const inputs = {
    friendly_name: text('friendly_name', { maxlength: '255' }),
    support_email: text('support_email', { type: 'email', maxlength: '255' }),
    support_url: text('support_url', { type: 'url', maxlength: '2048' }),
    picture_url: text('picture_url', { type: 'url', maxlength: '2048' }),
    session_lifetime: text('session_lifetime', { type: 'number', min: '1', max: '8760', step: 'any', required: true }),
    idle_session_lifetime: text('idle_session_lifetime', { type: 'number', min: '1', max: '8760', step: 'any', required: true }),
  };
  const fill = () => {
    for (const [key, input] of Object.entries(inputs)) {
      input.value = settings[key] === undefined || settings[key] === null ? '' : String(settings[key]);
    }
  };
  const form = h(
    'form',
    { class: 'card' },
    field('Friendly name', inputs.friendly_name),
    field('Logo URL', inputs.picture_url),
    h('div', { class: 'row' }, field('Support email', inputs.support_email), field('Support URL', inputs.support_url)),
    h(
      'div',
      { class: 'row' },
      field('Session lifetime (hours)', inputs.session_lifetime),
      field('Idle session lifetime (hours)', inputs.idle_session_lifetime, 'At most the session lifetime.'),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save settings')),
    fb.el,
  );
  onSubmit(form, fb, async () => {
    const body = {};
    for (const [key, input] of Object.entries(inputs)) {
      const value = input.type === 'number' ? Number(input.value) : input.value.trim();
      if (value !== (settings[key] ?? '')) {
        body[key] = value;
      }
    }
    if (Object.keys(body).length === 0) {
      return 'Nothing changed.';
    }
    settings = await patch('tenants/settings', body);
    fill();
    return `Saved ${Object.keys(body).join(', ')}.`;
  });
  fill();
  return section('General', form);
}
