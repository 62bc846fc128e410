// The tenant's signing keys: which is current, next, previous or revoked; rotation and revocation.

import { get, post, put, seg } from '../api.js';
import { formatDate, h } from '../dom.js';
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

export async function render(view) {
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
          code(k.kid),
          stateOf(k),
          formatDate(k.current_since),
          formatDate(k.current_until ?? k.revoked_at),
          code(k.thumbprint ?? ''),
          k.current || k.revoked
            ? ''
            : confirmButton(`Revoke ${k.kid}`, 'Revoke key', fb, async () => {
                await put(`keys/signing/${seg(k.kid)}/revoke`);
                await load();
                return `Key ${k.kid} revoked: it is gone from the JWKS, and tokens signed with it no longer verify.`;
              }, `Revoke ${k.kid}? Tokens signed with it stop verifying.`),
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
        confirmButton('Rotate signing key', 'Rotate now', fb, async () => {
          const rotated = await post('keys/signing/rotate');
          await load();
          return `Rotated: ${rotated.kid} now signs new tokens.`;
        }, 'Make the next key current now?'),
      ),
    );
  }
  view.append(fb.el);
}
