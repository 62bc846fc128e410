import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { buildOnce, startServerProcess, stopServerProcess } from '../helpers/server-process.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, freePort, http } from '../helpers/test-app.js';
import { usingPostgres } from '../helpers/test-database.js';

const describeSqlite = usingPostgres() ? describe.skip : describe;

async function adminToken(baseUrl: string): Promise<string> {
  const res = await http(baseUrl, 'POST', '/oauth/token', {
    body: {
      grant_type: 'client_credentials',
      client_id: ADMIN_CLIENT_ID,
      client_secret: ADMIN_CLIENT_SECRET,
      audience: `${baseUrl}/api/v2/`,
    },
  });
  return res.body.access_token as string;
}

function integrityCheck(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (err) => {
      if (err) {
        reject(err);
        return;
      }
      db.get('PRAGMA integrity_check', (e, row: { integrity_check: string }) => {
        db.close();
        if (e) {
          reject(e);
        } else {
          resolve(row.integrity_check);
        }
      });
    });
  });
}

/** A request on a fresh connection (no keep-alive), so the cluster may hand it to any worker. */
function freshConnection(
  port: number,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: any }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: {
          connection: 'close',
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describeSqlite('the server as a process (SQLite file)', () => {
  let dir: string;
  beforeAll(() => {
    buildOnce();
    dir = mkdtempSync(join(tmpdir(), 'tessera-proc-'));
  }, 120000);
  afterAll(() => {
    if (dir) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const envFor = (port: number) => ({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: `sqlite:${join(dir, 'tessera.sqlite')}`,
    ADMIN_CLIENT_ID,
    ADMIN_CLIENT_SECRET,
  });

  it('keeps every acknowledged write across a SIGKILL in the middle of writes and token requests', async () => {
    const port = await freePort();
    const server = await startServerProcess(envFor(port));
    const token = await adminToken(server.baseUrl);
    const acknowledged: string[] = [];
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop && i < 500; i++) {
        const identifier = `https://crash-${i}.example`;
        try {
          const res = await http(server.baseUrl, 'POST', '/api/v2/resource-servers', { token, body: { name: `Crash ${i}`, identifier } });
          if (res.status === 201) {
            acknowledged.push(identifier);
          }
        } catch {
          return; // the connection died with the server
        }
      }
    })();
    const reader = (async () => {
      while (!stop) {
        try {
          await adminToken(server.baseUrl);
        } catch {
          return;
        }
      }
    })();
    while (acknowledged.length < 25) {
      await new Promise((r) => setTimeout(r, 10));
    }
    server.child.kill('SIGKILL');
    stop = true;
    await Promise.all([writer, reader, server.exited]);

    expect(await integrityCheck(join(dir, 'tessera.sqlite'))).toBe('ok');
    const again = await startServerProcess(envFor(port));
    try {
      const list = await http(again.baseUrl, 'GET', '/api/v2/resource-servers', { token: await adminToken(again.baseUrl) });
      const present = new Set(list.body.map((r: { identifier: string }) => r.identifier));
      expect(acknowledged.filter((id) => !present.has(id))).toEqual([]);
    } finally {
      await stopServerProcess(again);
    }
  }, 60000);

  it('on SIGTERM finishes the request in flight, accepts no new one, and exits 0', async () => {
    const port = await freePort();
    const server = await startServerProcess(envFor(port));
    const body = JSON.stringify({
      grant_type: 'client_credentials',
      client_id: ADMIN_CLIENT_ID,
      client_secret: ADMIN_CLIENT_SECRET,
      audience: `${server.baseUrl}/api/v2/`,
    });
    // A request whose body is still arriving when the signal comes.
    const inFlight = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/oauth/token',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 20));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(20)), 300);
      }, 200);
    });
    const done = await inFlight;
    expect(done.status).toBe(200);
    expect(JSON.parse(done.text).token_type).toBe('Bearer');
    const exit = await server.exited;
    expect(exit.code).toBe(0);
    await expect(fetch(`${server.baseUrl}/.well-known/jwks.json`)).rejects.toThrow();
  }, 60000);

  it('runs one worker per core with WORKERS, and an admin change through one worker reaches all within the poll bound', async () => {
    const port = await freePort();
    const server = await startServerProcess({
      ...envFor(port),
      DATABASE_URL: `sqlite:${join(dir, 'cluster.sqlite')}`,
      WORKERS: '2',
      CACHE_POLL_MS: '200',
    });
    try {
      const deadline = Date.now() + 20000;
      while ((server.output().match(/Tessera listening/g) ?? []).length < 2 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect((server.output().match(/Tessera listening/g) ?? []).length).toBe(2);
      const cc = { grant_type: 'client_credentials', client_id: ADMIN_CLIENT_ID, client_secret: ADMIN_CLIENT_SECRET };
      const token = (await freshConnection(port, 'POST', '/oauth/token', { ...cc, audience: `${server.baseUrl}/api/v2/` })).body
        .access_token as string;
      // Every worker learns that the audience does not exist (and caches that).
      for (let i = 0; i < 6; i++) {
        const res = await freshConnection(port, 'POST', '/oauth/token', { ...cc, audience: 'https://clustered.example' });
        expect(res.body).toEqual({ error: 'access_denied', error_description: 'Service not found: https://clustered.example' });
      }
      expect(
        (
          await freshConnection(
            port,
            'POST',
            '/api/v2/resource-servers',
            { name: 'Clustered', identifier: 'https://clustered.example' },
            token,
          )
        ).status,
      ).toBe(201);
      expect(
        (
          await freshConnection(
            port,
            'POST',
            '/api/v2/client-grants',
            { client_id: ADMIN_CLIENT_ID, audience: 'https://clustered.example', scope: [] },
            token,
          )
        ).status,
      ).toBe(201);
      let allServed = false;
      const until = Date.now() + 10000;
      while (!allServed && Date.now() < until) {
        const statuses = await Promise.all(
          Array.from({ length: 8 }, () =>
            freshConnection(port, 'POST', '/oauth/token', { ...cc, audience: 'https://clustered.example' }).then((r) => r.status),
          ),
        );
        allServed = statuses.every((s) => s === 200);
        if (!allServed) {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      expect(allServed).toBe(true);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect((await server.exited).code).toBe(0);
  }, 60000);
});
