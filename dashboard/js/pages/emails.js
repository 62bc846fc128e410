// E-mail: the SMTP relay the tenant's mails go through (with a test mail), and the templates, edited
// with a preview rendered by the server with sample values.

import { ApiError, get, patch, post, seg } from '../api.js';
import { field, h } from '../dom.js';
import { busy, feedback, loadProblem, onSubmit, pageHeading, section, select } from '../ui.js';

const TEMPLATES = [
  { value: 'verify_email', label: 'Verification email (verify_email)' },
  { value: 'reset_email', label: 'Password reset (reset_email)' },
  { value: 'welcome_email', label: 'Welcome email (welcome_email)' },
  { value: 'blocked_account', label: 'Blocked account (blocked_account)' },
  { value: 'change_password', label: 'Change password, legacy (change_password)' },
  { value: 'password_reset', label: 'Password changed (password_reset)' },
];

export async function render(view) {
  view.append(pageHeading('Email', 'The relay that sends sign-up, verification and password-reset mails, and what they say.'));
  let provider = null;
  try {
    provider = await get('emails/provider');
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404 && e.body?.errorCode === 'inexistent_email_provider')) {
      view.append(loadProblem(e, 'The email provider', '/api/v2/emails/provider'));
      return;
    }
  }
  view.append(providerSection(provider), templatesSection());
}

function providerSection(initial) {
  let provider = initial;
  const fb = feedback();
  const input = (name, props = {}) => h('input', { name, ...props });
  const host = input('smtp_host', { required: true, spellcheck: 'false' });
  const port = input('smtp_port', { type: 'number', min: '1', max: '65535', required: true });
  const user = input('smtp_user', { autocomplete: 'off' });
  const pass = input('smtp_pass', { type: 'password', autocomplete: 'new-password' });
  const from = input('default_from_address', { type: 'email', required: true });
  const enabled = input('enabled', { type: 'checkbox' });
  const fill = () => {
    host.value = provider?.credentials?.smtp_host ?? '';
    port.value = String(provider?.credentials?.smtp_port ?? 587);
    user.value = provider?.credentials?.smtp_user ?? '';
    pass.value = '';
    from.value = provider?.default_from_address ?? '';
    enabled.checked = provider?.enabled ?? true;
  };
  const form = h(
    'form',
    { class: 'card' },
    h('p', { class: 'hint' }, 'Tessera uses STARTTLS whenever the relay offers it (its certificate must be valid), and plain SMTP otherwise, as local relays speak it.'),
    h('div', { class: 'row' }, field('SMTP host', host), field('SMTP port', port)),
    h(
      'div',
      { class: 'row' },
      field('SMTP user', user),
      field('SMTP password', pass, 'Stored sealed and never shown; leave empty to keep the current one.'),
    ),
    field('From address', from),
    field('Send mail', enabled),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save email provider')),
    fb.el,
  );
  onSubmit(form, fb, async () => {
    const credentials = { smtp_host: host.value.trim(), smtp_port: Number(port.value), smtp_user: user.value.trim() };
    if (pass.value) {
      credentials.smtp_pass = pass.value;
    }
    const body = { name: 'smtp', enabled: enabled.checked, default_from_address: from.value.trim(), credentials };
    provider = provider ? await patch('emails/provider', body) : await post('emails/provider', body);
    fill();
    return 'Email provider saved.';
  });
  fill();

  const testFb = feedback();
  const to = input('to', { type: 'email', required: true });
  const testForm = h(
    'form',
    { class: 'card' },
    field('Send a test mail to', to),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary' }, 'Send a test mail')),
    testFb.el,
  );
  onSubmit(testForm, testFb, async () => {
    await post('emails/provider/test', { to: to.value.trim() });
    return `The relay accepted a test mail to ${to.value.trim()}.`;
  });
  return section('Email provider', form, testForm);
}

function templatesSection() {
  const fb = feedback();
  const picker = select(TEMPLATES, 'verify_email', { name: 'template' });
  const enabled = h('input', { type: 'checkbox', name: 'enabled' });
  const from = h('input', { name: 'from', spellcheck: 'false' });
  const subject = h('input', { name: 'subject', required: true });
  const body = h('textarea', { name: 'body', rows: '12', spellcheck: 'false' });
  const resultUrl = h('input', { name: 'resultUrl', type: 'url' });
  const lifetime = h('input', { name: 'urlLifetimeInSeconds', type: 'number', min: '0', max: '2592000' });
  const previewSubject = h('p', { class: 'current' });
  const previewBody = h('pre', { class: 'preview', 'aria-label': 'Rendered body (HTML)' });
  const previewFb = feedback();

  const load = async () => {
    const t = await get(`email-templates/${seg(picker.value)}`);
    enabled.checked = Boolean(t.enabled);
    from.value = t.from ?? '';
    subject.value = t.subject ?? '';
    body.value = t.body ?? '';
    resultUrl.value = t.resultUrl ?? '';
    lifetime.value = t.urlLifetimeInSeconds === null || t.urlLifetimeInSeconds === undefined ? '' : String(t.urlLifetimeInSeconds);
    previewSubject.textContent = '';
    previewBody.textContent = '';
  };
  picker.addEventListener('change', () => void busy(form, fb, load));

  const form = h(
    'form',
    { class: 'card' },
    field('Template', picker),
    field('Enabled', enabled),
    h('div', { class: 'row' }, field('From', from, 'Empty: the provider’s from address.'), field('Subject', subject)),
    field('Body (Liquid, HTML)', body, 'Variables: user.email, user.name, user.user_metadata, url, application.name, tenant, friendly_name. Output is HTML-escaped.'),
    h(
      'div',
      { class: 'row' },
      field('Redirect to after the link (resultUrl)', resultUrl),
      field('Link lifetime (seconds)', lifetime),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save template'), ' ', h('button', { type: 'button', class: 'secondary', onclick: () => void busy(form, previewFb, preview) }, 'Preview')),
    fb.el,
    h('h3', {}, 'Preview'),
    previewSubject,
    previewBody,
    previewFb.el,
  );

  const preview = async () => {
    const rendered = await post(`email-templates/${seg(picker.value)}/preview`, { subject: subject.value, body: body.value });
    previewSubject.textContent = `Subject: ${rendered.subject}`;
    previewBody.textContent = rendered.html;
    return 'Preview rendered with sample values.';
  };

  onSubmit(form, fb, async () => {
    const saved = await patch(`email-templates/${seg(picker.value)}`, {
      template: picker.value,
      enabled: enabled.checked,
      from: from.value.trim() || null,
      subject: subject.value,
      body: body.value,
      syntax: 'liquid',
      resultUrl: resultUrl.value.trim() || null,
      urlLifetimeInSeconds: lifetime.value === '' ? null : Number(lifetime.value),
    });
    return `Template ${saved.template} saved.`;
  });
  void busy(form, fb, load);
  return section('Templates', form);
}
