// The tenant's signing keys: which is current, next, previous or revoked; rotation and revocation.

import { get, post, put, seg } from '../api.js';
import { formatDate, h } from '../dom.js';
import { inspectToken } from '../token-inspect.js';
import { code, confirmButton, feedback, loadProblem, pageHeading, section, table } from '../ui.js';

function stateOf(key) {
  if (key.revoked) {
    return h('span', { class: 'badge warn' }, 'Revoked');
  }
  if (key.current) {
    return h('span', { class: 'badge accent' }, 'Current');
  }
  if (key.next) {
    return h('span', { class: 'badge' }, 'Next');
  }
  if (key.previous) {
    return h('span', { class: 'badge' }, 'Previous');
  }
  return '—';
}

export async function render(view, ctx) {
  const own = inspectToken(ctx.session.accessToken);
  const ownKid = own.kind === 'jws' ? own.header.kid : undefined;
  view.append(
    pageHeading('Signing keys', 'The keys RS256 and PS256 tokens are signed with; their public halves are at /.well-known/jwks.json.'),
  );
  const fb = feedback();
  const list = h('div');
  const load = async () => {
    let keys;
    try {
      keys = await get('keys/signing');
    } catch (e) {
      list.replaceChildren(loadProblem(e, 'Signing key management is', '/api/v2/keys/signing'));
      return false;
    }
    list.replaceChildren(
      table(
        'Signing keys',
        ['Key ID (kid)', 'State', 'Current since', 'Current until', 'Thumbprint', 'Actions'],
        keys.map((k) => [
          h('code', { class: 'kid' }, k.kid),
          stateOf(k),
          formatDate(k.current_since),
          formatDate(k.current_until ?? k.revoked_at),
          h('code', { class: 'kid' }, k.thumbprint ?? ''),
          k.current || k.revoked
            ? ''
            : confirmButton(
                {
                  label: 'Revoke',
                  name: `Revoke ${k.kid}`,
                  confirm: 'Revoke key',
                  question:
                    k.kid === ownKid
                      ? 'Your own dashboard session is signed with it, so you will be signed out too.'
                      : 'Tokens signed with it stop verifying.',
                },
                fb,
                async () => {
                  await put(`keys/signing/${seg(k.kid)}/revoke`);
                  await load();
                  return `Key ${k.kid} revoked: it is gone from the JWKS, and tokens signed with it no longer verify.`;
                },
              ),
        ]),
        'No signing keys.',
      ),
    );
    return true;
  };
  view.append(list);
  if (await load()) {
    view.append(
      section(
        'Rotate',
        h('p', {}, 'Rotation makes the next key current and prepares a new next key. Tokens signed with the old key keep verifying until that key is revoked.'),
        confirmButton({ label: 'Rotate signing key', confirm: 'Rotate now', question: 'Make the next key current now?' }, fb, async () => {
          const rotated = await post('keys/signing/rotate');
          await load();
          return `Rotated: ${rotated.kid} now signs new tokens.`;
        }),
      ),
    );
  }
  view.append(fb.el);
}
