// Users of the tenant's database connection: search, create, block or unblock, delete.

import { del, get, patch, post, seg } from '../api.js';
import { field, formatDate, h } from '../dom.js';
import { busy, code, confirmButton, feedback, loadProblem, onSubmit, pageHeading, section, table } from '../ui.js';

const CONNECTION = 'Username-Password-Authentication';
const PER_PAGE = 50;
/** The Management API pages by offset through the first 1,000 results only (as Auth0 does). */
const OFFSET_CAP = 1000;

const who = (u) => u.email ?? u.user_id;

export async function render(view) {
  view.append(pageHeading('Users', `People who sign in through this tenant's database connection (${CONNECTION}).`));
  const fb = feedback();
  const results = h('div');
  const query = h('input', { name: 'q', type: 'search', spellcheck: 'false', placeholder: 'email:"ada@example.com"' });
  let page = 0;

  const load = async () => {
    const params = new URLSearchParams({ page: String(page), per_page: String(PER_PAGE), include_totals: 'true' });
    if (query.value.trim()) {
      params.set('q', query.value.trim());
    }
    let body;
    try {
      body = await get(`users?${params}`);
    } catch (e) {
      results.replaceChildren(loadProblem(e, 'User management is', '/api/v2/users'));
      return;
    }
    const users = Array.isArray(body) ? body : body.users;
    const total = Array.isArray(body) ? users.length : body.total;
    const rows = users.map((u) => [
      h('span', {}, h('a', { href: `users/${seg(u.user_id)}` }, u.email ?? u.user_id), u.name && u.name !== u.email ? h('span', { class: 'muted' }, ` · ${u.name}`) : null),
      code(u.user_id),
      u.blocked ? h('span', { class: 'badge warn' }, 'Blocked') : 'Active',
      formatDate(u.last_login),
      h(
        'span',
        { class: 'row-actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            'aria-label': `${u.blocked ? 'Unblock' : 'Block'} ${who(u)}`,
            onclick: (e) =>
              busy(e.currentTarget.parentElement, fb, async () => {
                await patch(`users/${seg(u.user_id)}`, { blocked: !u.blocked });
                await load();
                return `${who(u)} ${u.blocked ? 'unblocked' : 'blocked'}.`;
              }),
          },
          u.blocked ? 'Unblock' : 'Block',
        ),
        confirmButton({ label: 'Delete', name: `Delete ${who(u)}`, confirm: 'Delete user', question: `Delete ${who(u)} for good?` }, fb, async () => {
          await del(`users/${seg(u.user_id)}`);
          await load();
          return `${who(u)} deleted.`;
        }),
      ),
    ]);
    const pager = h(
      'div',
      { class: 'pager' },
      h('span', {}, total === 0 ? 'No users.' : `Users ${page * PER_PAGE + 1}–${page * PER_PAGE + users.length} of ${total}`),
      h('button', { type: 'button', class: 'secondary', disabled: page === 0, onclick: () => ((page -= 1), load()) }, 'Previous page'),
      h('button', { type: 'button', class: 'secondary', disabled: (page + 1) * PER_PAGE >= Math.min(total, OFFSET_CAP), onclick: () => ((page += 1), load()) }, 'Next page'),
    );
    results.replaceChildren(table('Users', ['User', 'User ID', 'Status', 'Last login', 'Actions'], rows, 'No users match.'), pager);
  };

  const searchForm = h(
    'form',
    { class: 'inline-form', role: 'search' },
    field('Search users', query, 'Auth0 search syntax, such as email:"ada@example.com"; empty for all.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Search')),
  );
  onSubmit(searchForm, fb, async () => {
    page = 0;
    await load();
  });

  const email = h('input', { name: 'email', type: 'email', required: true, autocomplete: 'off' });
  const password = h('input', { name: 'password', type: 'password', required: true, autocomplete: 'new-password' });
  const name = h('input', { name: 'name', maxlength: '300' });
  const createFb = feedback();
  const createForm = h(
    'form',
    { class: 'card' },
    h('div', { class: 'row' }, field('Email', email), field('Name (optional)', name)),
    field('Password', password, "Must satisfy the connection's password policy; the server says what is missing."),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create user')),
    createFb.el,
  );
  onSubmit(createForm, createFb, async () => {
    const body = { connection: CONNECTION, email: email.value.trim(), password: password.value };
    if (name.value.trim()) {
      body.name = name.value.trim();
    }
    const user = await post('users', body);
    password.value = '';
    email.value = '';
    name.value = '';
    await load();
    return `User ${user.email} created (${user.user_id}).`;
  });

  view.append(searchForm, fb.el, results, section('Create a user', createForm));
  await load();
}
