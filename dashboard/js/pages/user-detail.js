// One user: their roles and their permissions (direct, or from a role), in two tabs.

import { get, listAll, management, post, seg } from '../api.js';
import { field, h } from '../dom.js';
import { permissionPicker, permissionRef } from '../permission-picker.js';
import { busy, code, feedback, loadProblem, onSubmit, pageHeading, select, table, tabsView } from '../ui.js';

export async function render(view, ctx) {
  const [id] = ctx.params;
  let user;
  let roles;
  let apis;
  try {
    [user, roles, apis] = await Promise.all([get(`users/${seg(id)}`), listAll('roles'), listAll('resource-servers')]);
  } catch (e) {
    view.append(pageHeading('User'), loadProblem(e, 'This user', '/api/v2/users'));
    return;
  }
  const who = user.email ?? user.user_id;
  view.append(pageHeading(who, user.user_id));
  const permissions = permissionsPanel(user, who, apis.filter((a) => !a.is_system));
  const rolesPanelEl = rolesPanel(user, who, roles, permissions.reload);
  view.append(tabsView(`Access of ${who}`, [
    { label: 'Roles', panel: rolesPanelEl },
    { label: 'Permissions', panel: permissions.el },
  ]));
  await permissions.reload();
}

function rolesPanel(user, who, allRoles, onChange) {
  const fb = feedback();
  const list = h('div');
  const path = `users/${seg(user.user_id)}/roles`;
  const load = async () => {
    const held = await listAll(path);
    list.replaceChildren(
      table(
        `Roles of ${who}`,
        ['Role', 'Description', 'Actions'],
        held.map((r) => [
          h('a', { href: `roles/${seg(r.id)}` }, r.name),
          r.description ?? '',
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              'aria-label': `Remove role ${r.name}`,
              onclick: (e) =>
                busy(e.currentTarget.parentElement, fb, async () => {
                  await management('DELETE', path, { roles: [r.id] });
                  await Promise.all([load(), onChange()]);
                  return `Role ${r.name} removed from ${who}.`;
                }),
            },
            'Remove',
          ),
        ]),
        'No roles yet.',
      ),
    );
  };
  const choice = select(allRoles.map((r) => ({ value: r.id, label: r.name })), allRoles[0]?.id, { name: 'role' });
  const form = h(
    'form',
    { class: 'inline-form' },
    field('Role to assign', choice),
    h('div', { class: 'actions' }, h('button', { type: 'submit', disabled: allRoles.length === 0 }, 'Assign role')),
  );
  onSubmit(form, fb, async () => {
    await post(path, { roles: [choice.value] });
    await Promise.all([load(), onChange()]);
    return `Role ${allRoles.find((r) => r.id === choice.value)?.name} assigned to ${who}.`;
  });
  void load().catch((e) => list.replaceChildren(loadProblem(e, 'The roles are', '/api/v2/users/{id}/roles')));
  return h('div', {}, list, form, fb.el);
}

function permissionsPanel(user, who, apis) {
  const fb = feedback();
  const list = h('div');
  const path = `users/${seg(user.user_id)}/permissions`;
  const sourceText = (s) => (s.source_type === 'DIRECT' ? 'Direct' : `Role ${s.source_name}`);
  const reload = async () => {
    const held = await listAll(path);
    list.replaceChildren(
      table(
        `Permissions of ${who}`,
        ['Permission', 'API', 'From', 'Actions'],
        held.map((p) => [
          code(p.permission_name),
          p.resource_server_name,
          p.sources.map(sourceText).join(', '),
          p.sources.some((s) => s.source_type === 'DIRECT')
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'secondary',
                  'aria-label': `Remove direct permission ${p.permission_name} of ${p.resource_server_name}`,
                  onclick: (e) =>
                    busy(e.currentTarget.parentElement, fb, async () => {
                      await management('DELETE', path, { permissions: [permissionRef(p)] });
                      await reload();
                      return `Direct permission ${p.permission_name} removed from ${who}.`;
                    }),
                },
                'Remove',
              )
            : '—',
        ]),
        'No permissions yet.',
      ),
    );
  };
  const picker = permissionPicker(apis);
  const form = h(
    'form',
    { class: 'card' },
    h('p', { class: 'hint' }, 'Direct permissions, beside those the roles give.'),
    picker.el,
    h('div', { class: 'actions' }, h('button', { type: 'submit', disabled: picker.empty }, 'Add permissions')),
  );
  onSubmit(form, fb, async () => {
    const permissions = picker.chosen();
    if (permissions.length === 0) {
      return 'Tick at least one scope.';
    }
    await post(path, { permissions });
    picker.reset();
    await reload();
    return `${permissions.map((p) => p.permission_name).join(', ')} given to ${who}.`;
  });
  return {
    el: h('div', {}, list, form, fb.el),
    reload: () => reload().catch((e) => list.replaceChildren(loadProblem(e, 'The permissions are', '/api/v2/users/{id}/permissions'))),
  };
}
