// First-start sign-in with the tenant's admin client: client_id + secret are exchanged at /oauth/token
// (client credentials) for a Management API token. Only the token is kept, in this tab's sessionStorage;
// the secret is dropped as soon as the request is sent.

import { requestToken } from '../api.js';
import { field, h } from '../dom.js';
import { saveSession } from '../session.js';
import { feedback, onSubmit, pageHeading } from '../ui.js';

export async function render(view, ctx) {
  const audience = `${ctx.tenant.issuer}api/v2/`;
  const fb = feedback();
  const clientId = h('input', { name: 'client_id', autocomplete: 'username', required: true, spellcheck: 'false' });
  const secret = h('input', { name: 'client_secret', type: 'password', autocomplete: 'current-password', required: true });
  const form = h(
    'form',
    { class: 'card narrow', 'aria-describedby': 'sign-in-help' },
    field('Client ID', clientId),
    field('Client secret', secret),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Sign in')),
    fb.el,
  );
  onSubmit(form, fb, async () => {
    const token = await requestToken({
      grant_type: 'client_credentials',
      client_id: clientId.value.trim(),
      client_secret: secret.value,
      audience,
    });
    secret.value = '';
    saveSession({
      accessToken: token.access_token,
      expiresAt: Date.now() + Number(token.expires_in ?? 0) * 1000,
      scope: token.scope ?? '',
      subject: clientId.value.trim(),
    });
    const minutes = Math.round(Number(token.expires_in) / 60);
    const lifetime = minutes >= 120 ? `${Math.round(minutes / 60)} hours` : `${minutes} minutes`;
    ctx.signedIn(`Signed in. The Management API token is kept in this tab only and ends at sign-out or after ${lifetime}.`);
  });
  view.append(
    pageHeading('Sign in', ctx.tenant.issuer),
    h(
      'p',
      { id: 'sign-in-help', class: 'lead' },
      "Sign in with this tenant's admin machine-to-machine application: the ADMIN_CLIENT_ID and ADMIN_CLIENT_SECRET you set, or the ones printed at the server's first start. ",
      'The dashboard exchanges them for a token for the Management API (',
      h('code', {}, audience),
      ') and keeps only that token, in this browser tab, until you sign out or close the tab.',
    ),
    form,
  );
}
