import { escapeHtml, hiddenInputs, htmlPage } from '../common/html.js';

export function loggedOutPage(tenantName: string): string {
  return htmlPage('Logged out', `<h1>${escapeHtml(tenantName)}</h1><p>You have been logged out.</p>`);
}

export function logoutErrorPage(error: string, description: string): string {
  return htmlPage(
    'Something went wrong',
    `<h1>Something went wrong</h1><p class="error"><strong>${escapeHtml(error)}</strong>: ${escapeHtml(description)}</p>`,
  );
}

/** OIDC RP-Initiated Logout §2: without an id_token_hint, ask before ending the session. */
export function logoutConfirmPage(tenantName: string, hidden: Record<string, string | undefined>): string {
  return htmlPage(
    'Log out?',
    `<h1>${escapeHtml(tenantName)}</h1><p>Do you want to log out?</p>` +
      `<form method="post" action="/oidc/logout">${hiddenInputs({ ...hidden, confirm: 'yes' })}` +
      `<button type="submit">Log out</button></form>` +
      `<form method="post" action="/oidc/logout">${hiddenInputs({ ...hidden, confirm: 'no' })}` +
      `<button type="submit" class="secondary">Stay logged in</button></form>`,
  );
}
