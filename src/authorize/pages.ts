import { escapeHtml, hiddenInputs, htmlPage } from '../common/html.js';

export interface LoginPageModel {
  tenantName: string;
  clientName: string;
  action: string;
  hidden: Record<string, string>;
  username?: string;
  error?: string;
  /** "Forgot password?" and "Sign up" (absent when the connection disables sign-up). */
  links?: { reset?: string; signup?: string };
}

/** The login form: inputs named `username` and `password`, a submit button, the tenant's name. */
export function loginPage(m: LoginPageModel): string {
  const error = m.error ? `<p class="error" role="alert">${escapeHtml(m.error)}</p>` : '';
  return htmlPage(
    `Log in | ${m.tenantName}`,
    `<h1>${escapeHtml(m.tenantName)}</h1>` +
      `<p class="muted">Log in to continue to ${escapeHtml(m.clientName)}.</p>${error}` +
      `<form method="post" action="${escapeHtml(m.action)}" autocomplete="on">${hiddenInputs(m.hidden)}` +
      `<label for="username">Email address</label>` +
      `<input id="username" name="username" type="text" inputmode="email" autocomplete="username" required autofocus value="${escapeHtml(m.username ?? '')}">` +
      `<label for="password">Password</label>` +
      `<input id="password" name="password" type="password" autocomplete="current-password" required>` +
      `<button type="submit" name="action" value="login">Continue</button></form>` +
      accountLinks(m.links),
  );
}

export interface ConsentPageModel {
  tenantName: string;
  clientName: string;
  userEmail: string;
  apiName?: string;
  scopes: { value: string; description: string }[];
  action: string;
  hidden: Record<string, string>;
}

/** The consent form for third-party clients: accept or deny. */
export function consentPage(m: ConsentPageModel): string {
  const items = m.scopes.map((s) => `<li><strong>${escapeHtml(s.value)}</strong>: ${escapeHtml(s.description)}</li>`).join('');
  const api = m.apiName ? ` and to call <strong>${escapeHtml(m.apiName)}</strong> on your behalf` : '';
  return htmlPage(
    `Authorize ${m.clientName}`,
    `<h1>Authorize ${escapeHtml(m.clientName)}</h1>` +
      `<p>Hi ${escapeHtml(m.userEmail)}, <strong>${escapeHtml(m.clientName)}</strong> is asking to access your ${escapeHtml(m.tenantName)} account${api}:</p>` +
      `<ul>${items}</ul>` +
      // Two forms, each saying what it decides: a submission never depends on which button was pressed.
      `<form method="post" action="${escapeHtml(m.action)}">${hiddenInputs({ ...m.hidden, decision: 'accept' })}` +
      `<button type="submit">Accept</button></form>` +
      `<form method="post" action="${escapeHtml(m.action)}">${hiddenInputs({ ...m.hidden, decision: 'deny' })}` +
      `<button type="submit" class="secondary">Decline</button></form>`,
  );
}

/** Shown instead of a redirect when the client or its redirect_uri cannot be trusted. */
export function errorPage(error: string, description: string): string {
  return htmlPage(
    'Something went wrong',
    `<h1>Something went wrong</h1><p class="error"><strong>${escapeHtml(error)}</strong>: ${escapeHtml(description)}</p>` +
      `<p class="muted">Go back to the application and try again.</p>`,
  );
}

/** OAuth 2.0 Form Post Response Mode: an auto-submitting form to the client's redirect_uri. */
export function formPostPage(action: string, fields: Record<string, string | undefined>, scriptNonce: string): string {
  return htmlPage(
    'Submit this form',
    `<form method="post" action="${escapeHtml(action)}">${hiddenInputs(fields)}` +
      `<noscript><p>JavaScript is disabled; press the button to continue.</p><button type="submit">Continue</button></noscript></form>`,
    { scriptNonce, script: 'document.forms[0].submit();' },
  );
}

/**
 * `response_mode=web_message` (Auth0's, used by auth0-spa-js for silent renewal in a hidden iframe and
 * for loginWithPopup): posts `{type: 'authorization_response', response}` to the framing page or the
 * opener, addressed to `origin` only, so no other page can read it. The data is JSON in the script,
 * with `<` escaped so it cannot end the element.
 */
export function webMessagePage(origin: string, response: Record<string, string>, scriptNonce: string): string {
  const json = (v: unknown) =>
    JSON.stringify(v)
      .replace(/</g, '\\u003c')
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029');
  const script =
    `(function(){var target=window.opener||(window.parent!==window?window.parent:null);` +
    `if(target){target.postMessage({type:'authorization_response',response:${json(response)}},${json(origin)});}})();`;
  return htmlPage('Returning to the application', '<p class="muted">Returning to the application…</p>', { scriptNonce, script });
}

function accountLinks(links: LoginPageModel['links']): string {
  let html = '';
  if (links?.reset) {
    html += `<p class="muted"><a href="${escapeHtml(links.reset)}">Forgot password?</a></p>`;
  }
  if (links?.signup) {
    html += `<p class="muted">Don't have an account? <a href="${escapeHtml(links.signup)}">Sign up</a></p>`;
  }
  return html;
}

export interface SignupPageModel {
  tenantName: string;
  clientName: string;
  action: string;
  hidden: Record<string, string>;
  loginUrl: string;
  policy: string;
  /** The connection's `requires_username`: the form asks for a username as well. */
  requiresUsername?: boolean;
  email?: string;
  username?: string;
  error?: string;
}

/** The sign-up form (`screen_hint=signup`): an `email` and a `password` input, and a link back to log in. */
export function signupPage(m: SignupPageModel): string {
  const error = m.error ? `<p class="error" role="alert">${escapeHtml(m.error)}</p>` : '';
  return htmlPage(
    `Sign up | ${m.tenantName}`,
    `<h1>Create your account</h1>` +
      `<p class="muted">Sign up to ${escapeHtml(m.tenantName)} to continue to ${escapeHtml(m.clientName)}.</p>${error}` +
      `<form method="post" action="${escapeHtml(m.action)}" autocomplete="on">${hiddenInputs(m.hidden)}` +
      `<label for="email">Email address</label>` +
      `<input id="email" name="email" type="email" autocomplete="email" required autofocus value="${escapeHtml(m.email ?? '')}">` +
      (m.requiresUsername
        ? `<label for="username">Username</label>` +
          `<input id="username" name="username" type="text" autocomplete="username" required value="${escapeHtml(m.username ?? '')}">`
        : '') +
      `<label for="password">Password</label>` +
      `<input id="password" name="password" type="password" autocomplete="new-password" required>` +
      `<p class="muted">Your password must have ${escapeHtml(m.policy)}.</p>` +
      `<button type="submit" name="action" value="signup">Sign up</button></form>` +
      `<p class="muted">Already have an account? <a href="${escapeHtml(m.loginUrl)}">Log in</a></p>`,
  );
}

export interface ResetRequestPageModel {
  tenantName: string;
  action: string;
  hidden: Record<string, string>;
  loginUrl: string;
  error?: string;
  /** Set once the request was made: the page says a mail is on its way instead of showing the form. */
  sent?: string;
}

/** "Forgot password?": an `email` input (no password) that starts a reset. */
export function resetRequestPage(m: ResetRequestPageModel): string {
  const back = `<p class="muted"><a href="${escapeHtml(m.loginUrl)}">Back to log in</a></p>`;
  if (m.sent) {
    return htmlPage(`Check your email | ${m.tenantName}`, `<h1>Check your email</h1><p role="status">${escapeHtml(m.sent)}</p>${back}`);
  }
  const error = m.error ? `<p class="error" role="alert">${escapeHtml(m.error)}</p>` : '';
  return htmlPage(
    `Forgot your password? | ${m.tenantName}`,
    `<h1>Forgot your password?</h1>` +
      `<p class="muted">Enter your email address and we will send you a link to reset your password.</p>${error}` +
      `<form method="post" action="${escapeHtml(m.action)}">${hiddenInputs(m.hidden)}` +
      `<label for="email">Email address</label>` +
      `<input id="email" name="email" type="email" autocomplete="email" required autofocus>` +
      `<button type="submit" name="action" value="reset">Continue</button></form>` +
      back,
  );
}
