/**
 * What a browser does in the login flow, over real HTTP: keeps cookies per host, follows redirects one
 * at a time (so tests can stop at the client's callback), reads and submits HTML forms.
 */

export interface BrowserResponse {
  status: number;
  url: string;
  headers: Headers;
  text: string;
  /** Absolute Location of a redirect. */
  location?: string;
}

export interface HtmlForm {
  action: string;
  method: string;
  fields: Record<string, string>;
  /** Names of the submit buttons, with their values. */
  buttons: Record<string, string>;
}

function decodeEntities(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag);
  return m ? decodeEntities(m[1]) : undefined;
}

/** The first form of a page: its absolute action, method, input values and buttons. */
export function parseForm(html: string, pageUrl: string): HtmlForm {
  const open = /<form\b[^>]*>/i.exec(html);
  if (!open) {
    throw new Error(`no form on the page:\n${html.slice(0, 500)}`);
  }
  const body = html.slice(open.index, html.indexOf('</form>', open.index));
  const fields: Record<string, string> = {};
  for (const m of body.matchAll(/<input\b[^>]*>/gi)) {
    const name = attr(m[0], 'name');
    if (name) {
      fields[name] = attr(m[0], 'value') ?? '';
    }
  }
  const buttons: Record<string, string> = {};
  for (const m of body.matchAll(/<button\b[^>]*>/gi)) {
    const name = attr(m[0], 'name');
    if (name) {
      buttons[`${name}=${attr(m[0], 'value') ?? ''}`] = attr(m[0], 'value') ?? '';
    }
  }
  return {
    action: new URL(attr(open[0], 'action') || pageUrl, pageUrl).href,
    method: (attr(open[0], 'method') ?? 'get').toUpperCase(),
    fields,
    buttons,
  };
}

export class Browser {
  /** host -> name -> value */
  readonly jar = new Map<string, Map<string, string>>();
  /** Raw Set-Cookie headers seen, for attribute assertions. */
  readonly setCookies: string[] = [];

  cookie(url: string, name: string): string | undefined {
    return this.jar.get(new URL(url).host)?.get(name);
  }

  async get(url: string): Promise<BrowserResponse> {
    return this.request(url, { method: 'GET' });
  }

  async post(url: string, fields: Record<string, string>): Promise<BrowserResponse> {
    return this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  async submit(form: HtmlForm, extra: Record<string, string> = {}): Promise<BrowserResponse> {
    return this.post(form.action, { ...form.fields, ...extra });
  }

  /** Follows redirects on our server; stops at the first page, or at a redirect leaving `origin`. */
  async follow(res: BrowserResponse, origin: string): Promise<BrowserResponse> {
    let current = res;
    for (let i = 0; i < 10 && current.location && new URL(current.location).origin === origin; i++) {
      current = await this.get(current.location);
    }
    return current;
  }

  private async request(url: string, init: RequestInit): Promise<BrowserResponse> {
    const host = new URL(url).host;
    const jar = this.jar.get(host);
    const headers = new Headers(init.headers);
    if (jar && jar.size > 0) {
      headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    }
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      this.setCookies.push(c);
      const [pair, ...attrs] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const maxAge = attrs.map((a) => /^\s*max-age=(-?\d+)/i.exec(a)).find(Boolean);
      const store = this.jar.get(host) ?? new Map<string, string>();
      this.jar.set(host, store);
      if (maxAge && Number(maxAge[1]) <= 0) {
        store.delete(name);
      } else {
        store.set(name, value);
      }
    }
    const location = res.headers.get('location');
    return {
      status: res.status,
      url,
      headers: res.headers,
      text: await res.text(),
      location: location ? new URL(location, url).href : undefined,
    };
  }
}
