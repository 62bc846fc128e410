// Roles (RBAC): the tenant's roles, found by name, and a form to create one. Each role opens its page.

import { get, post, seg } from '../api.js';
import { field, h } from '../dom.js';
import { feedback, loadProblem, onSubmit, pageHeading, section, table } from '../ui.js';

const PER_PAGE = 50;

export async function render(view, ctx) {
  view.append(
    pageHeading('Roles', "Sets of API permissions given to users. An API with RBAC enabled puts a user's permissions in their tokens."),
  );
  const fb = feedback();
  const results = h('div');
  const filter = h('input', { name: 'name_filter', type: 'search', spellcheck: 'false' });
  let page = 0;

  const load = async () => {
    const params = new URLSearchParams({ page: String(page), per_page: String(PER_PAGE), include_totals: 'true' });
    if (filter.value.trim()) {
      params.set('name_filter', filter.value.trim());
    }
    let body;
    try {
      body = await get(`roles?${params}`);
    } catch (e) {
      results.replaceChildren(loadProblem(e, 'Roles are', '/api/v2/roles'));
      return;
    }
    const rows = body.roles.map((r) => [h('a', { href: `roles/${seg(r.id)}` }, r.name), r.description ?? '', h('code', {}, r.id)]);
    const pager = h(
      'div',
      { class: 'pager' },
      h('span', {}, body.total === 0 ? 'No roles.' : `Roles ${body.start + 1}–${body.start + body.roles.length} of ${body.total}`),
      h('button', { type: 'button', class: 'secondary', disabled: page === 0, onclick: () => ((page -= 1), load()) }, 'Previous page'),
      h('button', { type: 'button', class: 'secondary', disabled: (page + 1) * PER_PAGE >= body.total, onclick: () => ((page += 1), load()) }, 'Next page'),
    );
    results.replaceChildren(table('Roles', ['Name', 'Description', 'Role ID'], rows, 'No roles match.'), pager);
  };

  const searchForm = h(
    'form',
    { class: 'inline-form', role: 'search' },
    field('Find roles by name', filter, 'Part of the name, any case; empty for all.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Find')),
  );
  onSubmit(searchForm, fb, async () => {
    page = 0;
    await load();
  });

  const name = h('input', { name: 'name', required: true, maxlength: '50' });
  const description = h('input', { name: 'description', maxlength: '140' });
  const createFb = feedback();
  const createForm = h(
    'form',
    { class: 'card' },
    h('div', { class: 'row' }, field('Role name', name), field('Description (optional)', description)),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create role')),
    createFb.el,
  );
  onSubmit(createForm, createFb, async () => {
    const body = { name: name.value.trim() };
    if (description.value.trim()) {
      body.description = description.value.trim();
    }
    const role = await post('roles', body);
    ctx.navigate(`roles/${seg(role.id)}`, `Role ${role.name} created. Give it permissions and members below.`);
  });

  view.append(searchForm, fb.el, results, section('Create a role', createForm));
  await load();
}
