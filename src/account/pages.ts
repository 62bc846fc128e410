import { escapeHtml, hiddenInputs, htmlPage } from '../common/html.js';

/** The page a reset link opens: the new password, twice. */
export function resetPasswordPage(m: { tenantName: string; email: string; ticket: string; policy: string; error?: string }): string {
  const error = m.error ? `<p class="error" role="alert">${escapeHtml(m.error)}</p>` : '';
  return htmlPage(
    `Change your password | ${m.tenantName}`,
    `<h1>Change your password</h1>` +
      `<p class="muted">Choose a new password for ${escapeHtml(m.email)}. It must have ${escapeHtml(m.policy)}.</p>${error}` +
      `<form method="post" action="/lo/reset" autocomplete="off">${hiddenInputs({ ticket: m.ticket })}` +
      `<label for="password">New password</label>` +
      `<input id="password" name="password" type="password" autocomplete="new-password" required autofocus>` +
      `<label for="password_confirm">Confirm new password</label>` +
      `<input id="password_confirm" name="password_confirm" type="password" autocomplete="new-password" required>` +
      `<button type="submit">Reset password</button></form>`,
  );
}

/** A plain outcome page (password changed, e-mail verified, link expired). */
export function messagePage(title: string, message: string, link?: { href: string; text: string }): string {
  const a = link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>` : '';
  return htmlPage(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${a}`);
}

export const LINK_EXPIRED = 'This link has expired or was already used. Ask for a new one from the application.';
