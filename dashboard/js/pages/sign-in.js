// Signing in, two ways: with a user account of the tenant that holds the admin role (account.js: the
// tenant's login page, authorization code + PKCE), or, on a first start, with the tenant's admin client:
// client_id + secret are exchanged at /oauth/token (client credentials) for a Management API token. Only
// the token is kept, in this tab's sessionStorage; the secret is dropped as soon as the request is sent.

import { accountSignInProblem, signOutUrl, startAccountSignIn } from '../account.js';
import { requestToken } from '../api.js';
import { field, h } from '../dom.js';
import { saveSession } from '../session.js';
import { busy, code, feedback, onSubmit, pageHeading, section } from '../ui.js';

/** What a signed-in user without the admin role reads, with how an admin grants the role. */
function notAdminNotice(who, config) {
  return h(
    'div',
    { role: 'alert', class: 'notice error-notice' },
    h('p', {}, `You signed in as ${who}, but this account is not an admin of this tenant: the token Tessera issued carries no Management API scopes, so the dashboard cannot be used with it.`),
    h(
      'p',
      {},
      'An admin of the tenant can make the account a member of the admin role (',
      code('Tessera Admin'),
      ' unless the server sets ',
      code('ADMIN_ROLE_NAME'),
      ') on the dashboard’s Roles page, or with ',
      code('POST /api/v2/users/{id}/roles'),
      ' and ',
      code('{"roles": ["<role id>"]}'),
      '. Then sign in again.',
    ),
    h('p', {}, h('a', { href: signOutUrl(config), class: 'button-link secondary' }, 'Sign in as someone else')),
  );
}

function accountSection(ctx) {
  const config = ctx.account;
  const problem = accountSignInProblem(config);
  const fb = feedback();
  const button = h('button', { type: 'button', disabled: problem !== null, 'aria-describedby': 'account-help' }, 'Sign in with your account');
  button.addEventListener('click', () =>
    busy(button.parentElement, fb, async () => {
      await startAccountSignIn(config, ctx.returnTo);
    }),
  );
  const notice = ctx.accountNotice;
  return section(
    'With your account',
    h(
      'p',
      { id: 'account-help', class: 'lead' },
      problem ??
        "Sign in on the tenant's login page with a user account that holds the admin role. The dashboard keeps only the Management API token it gets, in this browser tab.",
    ),
    h('div', { class: 'actions' }, button),
    fb.el,
    notice?.kind === 'not-admin' ? notAdminNotice(notice.who, config) : null,
    notice?.kind === 'error' ? h('p', { role: 'alert', class: 'error-message' }, notice.message) : null,
  );
}

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
      'div',
      { class: 'sign-in-choices' },
      accountSection(ctx),
      section(
        'With the admin client',
        h(
          'p',
          { id: 'sign-in-help', class: 'lead' },
          "On a first start, sign in with this tenant's admin machine-to-machine application: the ADMIN_CLIENT_ID and ADMIN_CLIENT_SECRET you set, or the ones printed at the server's first start. ",
          'The dashboard exchanges them for a token for the Management API (',
          h('code', {}, audience),
          ') and keeps only that token, in this browser tab, until you sign out or close the tab.',
        ),
        form,
      ),
    ),
  );
}
