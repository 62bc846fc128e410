import { escapeHtml, hiddenInputs, htmlPage } from '../common/html.js';

export interface LoginPageModel {
  tenantName: string;
  clientName: string;
  action: string;
  hidden: Record<string, string>;
  username?: string;
  error?: string;
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
      `<button type="submit" name="action" value="login">Continue</button></form>`,
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
  const json = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  const script =
    `(function(){var target=window.opener||(window.parent!==window?window.parent:null);` +
    `if(target){target.postMessage({type:'authorization_response',response:${json(response)}},${json(origin)});}})();`;
  return htmlPage('Returning to the application', '<p class="muted">Returning to the application…</p>', { scriptNonce, script });
}
