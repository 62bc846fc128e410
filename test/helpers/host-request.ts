import { request } from 'node:http';

/**
 * An HTTP request to the test server with an explicit Host header (fetch cannot set one), for talking to
 * a tenant by its domain while the socket goes to 127.0.0.1.
 */
export function hostRequest(
  baseUrl: string,
  host: string,
  method: string,
  path: string,
  opts: { token?: string; json?: unknown; form?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any; text: string }> {
  const url = new URL(baseUrl);
  const headers: Record<string, string> = { host, ...opts.headers };
  let payload: string | undefined;
  if (opts.json !== undefined) {
    payload = JSON.stringify(opts.json);
    headers['content-type'] = 'application/json';
  } else if (opts.form) {
    payload = new URLSearchParams(opts.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  if (opts.token) {
    headers.authorization = `Bearer ${opts.token}`;
  }
  if (payload !== undefined) {
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}
