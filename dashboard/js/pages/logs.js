// The tenant's log events, newest first, with Auth0's type codes explained.

import { get } from '../api.js';
import { field, formatDate, h } from '../dom.js';
import { code, feedback, loadProblem, onSubmit, pageHeading, table } from '../ui.js';

const PER_PAGE = 50;
/** The Management API pages by offset through the first 1,000 results only (as Auth0 does). */
const OFFSET_CAP = 1000;

/** Auth0's event type codes that Tessera records. */
const TYPES = {
  seccft: 'Success: client credentials exchange',
  feccft: 'Failed: client credentials exchange',
  seacft: 'Success: authorization code exchange',
  feacft: 'Failed: authorization code exchange',
  sertft: 'Success: refresh token exchange',
  fertft: 'Failed: refresh token exchange',
  s: 'Success: login',
  f: 'Failed: login',
  fp: 'Failed: incorrect password',
  fu: 'Failed: unknown user',
  slo: 'Success: logout',
  sapi: 'Success: Management API operation',
  fapi: 'Failed: Management API operation',
  api_limit: 'Rate limit reached',
  limit_wc: 'Blocked account',
  ss: 'Success: signup',
  fs: 'Failed: signup',
};

export async function render(view) {
  view.append(pageHeading('Logs', 'What happened on this tenant, newest first.'));
  const fb = feedback();
  const results = h('div');
  const type = h('input', { name: 'type', spellcheck: 'false', list: 'log-types', placeholder: 'seccft' });
  const types = h('datalist', { id: 'log-types' }, Object.entries(TYPES).map(([value, label]) => h('option', { value }, label)));
  let page = 0;

  const load = async () => {
    const params = new URLSearchParams({ page: String(page), per_page: String(PER_PAGE), include_totals: 'true', sort: 'date:-1' });
    if (type.value.trim()) {
      params.set('q', `type:"${type.value.trim()}"`);
    }
    let body;
    try {
      body = await get(`logs?${params}`);
    } catch (e) {
      results.replaceChildren(loadProblem(e, 'Logs are', '/api/v2/logs'));
      return;
    }
    const logs = Array.isArray(body) ? body : body.logs;
    const total = Array.isArray(body) ? logs.length : body.total;
    results.replaceChildren(
      table(
        'Log events',
        ['Date', 'Type', 'Description', 'Application', 'User', 'IP address'],
        logs.map((l) => [
          formatDate(l.date),
          h('span', {}, code(l.type), TYPES[l.type] ? h('span', { class: 'muted' }, ` ${TYPES[l.type]}`) : null),
          l.description ?? '',
          l.client_name ?? l.client_id ?? '',
          l.user_name ?? l.user_id ?? '',
          l.ip ?? '',
        ]),
        'No log events.',
      ),
      h(
        'div',
        { class: 'pager' },
        h('span', {}, total === 0 ? 'No events.' : `Events ${page * PER_PAGE + 1}–${page * PER_PAGE + logs.length} of ${total}`),
        h('button', { type: 'button', class: 'secondary', disabled: page === 0, onclick: () => ((page -= 1), load()) }, 'Newer'),
        h('button', { type: 'button', class: 'secondary', disabled: (page + 1) * PER_PAGE >= Math.min(total, OFFSET_CAP), onclick: () => ((page += 1), load()) }, 'Older'),
      ),
    );
  };

  const form = h(
    'form',
    { class: 'inline-form', role: 'search' },
    field('Event type', type, 'An Auth0 type code such as seccft; empty for all.'),
    types,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Show'), h('button', { type: 'button', class: 'secondary', onclick: () => load() }, 'Refresh')),
  );
  onSubmit(form, fb, async () => {
    page = 0;
    await load();
  });
  view.append(form, fb.el, results);
  await load();
}
