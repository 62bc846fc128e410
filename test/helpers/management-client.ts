import { ManagementClient } from 'auth0';

let installed = false;

/**
 * The official SDK always builds `https://<domain>/api/v2`. The test server speaks plain HTTP on
 * loopback, so requests to 127.0.0.1 are sent over http; nothing else about the SDK is changed.
 */
function installLoopbackHttpRewrite(): void {
  if (installed) {
    return;
  }
  installed = true;
  const original = globalThis.fetch;
  globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith('https://127.0.0.1:')) {
      const rewritten = 'http://' + url.slice('https://'.length);
      return original(input instanceof Request ? new Request(rewritten, input) : rewritten, init);
    }
    return original(input, init);
  }) as typeof fetch;
}

export function managementClient(baseUrl: string, token: string): ManagementClient {
  installLoopbackHttpRewrite();
  return new ManagementClient({ domain: new URL(baseUrl).host, token });
}
