/** Tiny server-side HTML helpers for the login, consent, logout and error pages. */

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f4f5f7;margin:0;color:#1f2328}
main{max-width:400px;margin:8vh auto;background:#fff;border-radius:8px;box-shadow:0 2px 12px rgba(0,0,0,.08);padding:32px}
h1{font-size:22px;margin:0 0 8px}p{line-height:1.5}label{display:block;margin:16px 0 4px;font-size:14px}
input[type=text],input[type=email],input[type=password]{width:100%;box-sizing:border-box;padding:10px;border:1px solid #c9ced6;border-radius:4px;font-size:16px}
button{margin-top:20px;width:100%;padding:11px;border:0;border-radius:4px;background:#3d5afe;color:#fff;font-size:16px;cursor:pointer}
button.secondary{background:#e8eaf0;color:#1f2328}.error{background:#fdecea;color:#8a1c1c;padding:10px;border-radius:4px}
ul{padding-left:20px}.muted{color:#57606a;font-size:14px}`;

/** A whole page. `body` must already be escaped HTML. */
export function htmlPage(title: string, body: string, opts: { scriptNonce?: string; script?: string } = {}): string {
  const script = opts.script && opts.scriptNonce ? `<script nonce="${opts.scriptNonce}">${opts.script}</script>` : '';
  return (
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">` +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>` +
    `<body><main>${body}</main>${script}</body></html>`
  );
}

export function hiddenInputs(fields: Record<string, string | undefined>): string {
  return Object.entries(fields)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
}
