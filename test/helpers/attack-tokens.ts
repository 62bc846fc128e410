import { createHmac, generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { base64url, exportJWK, SignJWT, type JWTPayload } from 'jose';
import type { INestApplication } from '@nestjs/common';
import { SigningKeysService } from '../../src/keys/signing-keys.service.js';

export interface TenantKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/**
 * The tenant's current signing key, taken from the running app, so tests can build tokens that are
 * correctly signed but hostile in every other way (headers, claims). Never used outside tests.
 */
export function tenantKey(app: INestApplication, tenantId = 'default'): TenantKey {
  const k = app.get(SigningKeysService).current(tenantId);
  return { kid: k.kid, privateKey: k.privateKey, publicKey: k.publicKey };
}

const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });

function unsigned(header: object, payload: object): string {
  return `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}`;
}

/** RS256 over any header, including ones jose refuses to produce (unknown `crit`). */
function rawRs256(header: object, payload: object, key: KeyObject): string {
  const input = unsigned(header, payload);
  return `${input}.${cryptoSign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Other spellings of one compact token that lenient base64 decoders read as the same bytes: padding,
 * the `+/` alphabet, spare bits in a segment's last character, whitespace, trailing data. Every one must
 * be refused, or a revoked token comes back under a new string. `segment` picks the segment to respell
 * (default: the last, the signature or tag, which the signature does not cover).
 */
export function respellings(token: string, segment?: number): Record<string, string> {
  const parts = token.split('.');
  const i = segment ?? parts.length - 1;
  const seg = parts[i];
  const with_ = (s: string) => parts.map((p, j) => (j === i ? s : p)).join('.');
  const out: Record<string, string> = {};
  const pad = (4 - (seg.length % 4)) % 4;
  out['padding on a segment'] = with_(seg + '='.repeat(pad || 2));
  if (/[-_]/.test(seg)) {
    out['+/ alphabet'] = with_(seg.replace(/-/g, '+').replace(/_/g, '/'));
  }
  // A length of 2 or 3 mod 4 leaves 4 or 2 bits of the last character unused by the decoder.
  if (seg.length % 4 === 2 || seg.length % 4 === 3) {
    const last = B64URL.indexOf(seg.at(-1)!);
    out['spare bits set in the last character'] = with_(seg.slice(0, -1) + B64URL[last ^ 1]);
  }
  out['whitespace inside a segment'] = with_(`${seg.slice(0, 8)} ${seg.slice(8)}`);
  // JavaScript's trim() takes U+00A0; HTTP's whitespace is only space and tab.
  out['trailing no-break space'] = `${token}\u00a0`;
  out['trailing dot'] = `${token}.`;
  out['trailing segment'] = `${token}.AAAA`;
  return out;
}

/**
 * Named hostile tokens for one acceptance point. `claims` are the claims a valid token there carries;
 * every entry below must be refused. `valid` is the control that must be accepted.
 */
export async function hostileTokens(key: TenantKey, claims: JWTPayload): Promise<{ valid: string; attacks: Record<string, string> }> {
  const now = Math.floor(Date.now() / 1000);
  const base = { iat: now, exp: now + 600, ...claims };
  const sign = (payload: JWTPayload, header: Record<string, unknown> = {}, k: KeyObject = key.privateKey) =>
    new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT', ...header }).sign(k);
  const attackerJwk = await exportJWK(attacker.publicKey);
  const publicPem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();

  const hsWithPublicKey = (() => {
    const input = unsigned({ alg: 'HS256', kid: key.kid, typ: 'JWT' }, base);
    return `${input}.${createHmac('sha256', publicPem).update(input).digest('base64url')}`;
  })();
  // RFC 7797 unencoded payload, correctly signed with the tenant key: the raw JSON stands in the middle.
  const unencoded = (() => {
    const header = base64url.encode(JSON.stringify({ alg: 'RS256', kid: key.kid, b64: false, crit: ['b64'] }));
    const payload = JSON.stringify(base);
    return `${header}.${payload}.${cryptoSign('sha256', Buffer.from(`${header}.${payload}`), key.privateKey).toString('base64url')}`;
  })();

  const attacks: Record<string, string> = {
    'alg none': `${unsigned({ alg: 'none', typ: 'JWT' }, base)}.`,
    'alg None': `${unsigned({ alg: 'None', typ: 'JWT' }, base)}.`,
    'alg NONE with a signature': `${unsigned({ alg: 'NONE', kid: key.kid }, base)}.c2lnbmF0dXJl`,
    'HS256 signed with the tenant public key': hsWithPublicKey,
    'RS256 with an unknown kid': await sign(base, { kid: 'not-a-tenant-kid' }, attacker.privateKey),
    'RS256 without kid': await new SignJWT(base).setProtectedHeader({ alg: 'RS256' }).sign(key.privateKey),
    'embedded jwk header': await sign(base, { kid: undefined, jwk: attackerJwk }, attacker.privateKey),
    'jku header to a foreign key set': await sign(base, { kid: 'attacker', jku: 'http://127.0.0.1:9/jwks.json' }, attacker.privateKey),
    'x5u header': await sign(base, { kid: 'attacker', x5u: 'http://127.0.0.1:9/cert.pem' }, attacker.privateKey),
    'tenant kid, attacker signature': await sign(base, {}, attacker.privateKey),
    'unknown crit header': rawRs256(
      { alg: 'RS256', kid: key.kid, typ: 'JWT', crit: ['urn:tessera:test'], 'urn:tessera:test': 1 },
      base,
      key.privateKey,
    ),
    'unencoded payload (b64: false)': unencoded,
    'another issuer': await sign({ ...base, iss: 'https://evil.example/' }),
    expired: await sign({ ...base, iat: now - 7200, exp: now - 3600 }),
    'not yet valid': await sign({ ...base, nbf: now + 3600 }),
    'no exp': await sign(Object.fromEntries(Object.entries(base).filter(([k]) => k !== 'exp'))),
    'truncated signature': (await sign(base)).slice(0, -10),
    'padded token': `${await sign(base)}AAAA`,
    'oversize token': await sign({ ...base, pad: 'x'.repeat(9000) }),
    'wrong typ (a DPoP proof)': await sign(base, { typ: 'dpop+jwt' }),
    'wrong typ (a logout token)': await sign(base, { typ: 'logout+jwt' }),
  };
  // The control respelled: a signature with both `-` and `_` so the alphabet swap changes it.
  let valid = await sign(base);
  for (let n = 0; !/-.*_|_.*-/.test(valid.split('.')[2]) && n < 50; n++) {
    valid = await sign({ ...base, jti: String(n) });
  }
  for (const [name, token] of Object.entries(respellings(valid))) {
    attacks[`respelled: ${name}`] = token;
  }
  return { valid, attacks };
}
