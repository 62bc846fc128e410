// One role: its name and description, its permissions per API, its members, and deletion.

import { del, get, listAll, management, patch, post, seg } from '../api.js';
import { field, h } from '../dom.js';
import { permissionPicker, permissionRef } from '../permission-picker.js';
import { busy, code, confirmButton, feedback, loadProblem, onSubmit, pageHeading, section, table } from '../ui.js';

export async function render(view, ctx) {
  const [id] = ctx.params;
  let role;
  let apis;
  try {
    [role, apis] = await Promise.all([get(`roles/${seg(id)}`), listAll('resource-servers')]);
  } catch (e) {
    view.append(pageHeading('Role'), loadProblem(e, 'This role', '/api/v2/roles'));
    return;
  }
  view.append(pageHeading(role.name, role.description ?? role.id));
  view.append(
    settingsSection(role),
    permissionsSection(role, apis.filter((a) => !a.is_system)),
    await membersSection(role),
    deleteSection(role, ctx),
  );
}

function settingsSection(initial) {
  let role = initial;
  const fb = feedback();
  const name = h('input', { name: 'name', required: true, maxlength: '50', value: role.name });
  const description = h('input', { name: 'description', maxlength: '140', value: role.description ?? '' });
  const form = h(
    'form',
    { class: 'card' },
    h('div', { class: 'row' }, field('Role name', name), field('Description', description)),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save role')),
    fb.el,
  );
  onSubmit(form, fb, async () => {
    const body = {};
    if (name.value.trim() !== role.name) {
      body.name = name.value.trim();
    }
    if (description.value.trim() !== (role.description ?? '')) {
      body.description = description.value.trim();
    }
    if (Object.keys(body).length === 0) {
      return 'Nothing changed.';
    }
    role = await patch(`roles/${seg(role.id)}`, body);
    return `Role ${role.name} saved.`;
  });
  return section('Settings', form);
}

function permissionsSection(role, apis) {
  const fb = feedback();
  const list = h('div');
  const load = async () => {
    const held = await listAll(`roles/${seg(role.id)}/permissions`);
    list.replaceChildren(
      table(
        `Permissions of ${role.name}`,
        ['Permission', 'API', 'Actions'],
        held.map((p) => [
          code(p.permission_name),
          p.resource_server_name,
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              'aria-label': `Remove ${p.permission_name} of ${p.resource_server_name}`,
              onclick: (e) =>
                busy(e.currentTarget.parentElement, fb, async () => {
                  await management('DELETE', `roles/${seg(role.id)}/permissions`, { permissions: [permissionRef(p)] });
                  await load();
                  return `${p.permission_name} removed from ${role.name}.`;
                }),
            },
            'Remove',
          ),
        ]),
        'This role gives no permissions yet.',
      ),
    );
  };
  const picker = permissionPicker(apis);
  const form = h('form', { class: 'card' }, picker.el, h('div', { class: 'actions' }, h('button', { type: 'submit', disabled: picker.empty }, 'Add permissions')));
  onSubmit(form, fb, async () => {
    const permissions = picker.chosen();
    if (permissions.length === 0) {
      return 'Tick at least one scope.';
    }
    await post(`roles/${seg(role.id)}/permissions`, { permissions });
    picker.reset();
    await load();
    return `${permissions.map((p) => p.permission_name).join(', ')} added to ${role.name}.`;
  });
  void load().catch((e) => list.replaceChildren(loadProblem(e, 'The permissions are', '/api/v2/roles/{id}/permissions')));
  return section('Permissions', list, form, fb.el);
}

async function membersSection(role) {
  const fb = feedback();
  const list = h('div');
  const load = async () => {
    const members = [];
    let from;
    do {
      const body = await get(`roles/${seg(role.id)}/users?take=100${from ? `&from=${from}` : ''}`);
      members.push(...body.users);
      from = body.next;
    } while (from);
    list.replaceChildren(
      table(
        `Members of ${role.name}`,
        ['User', 'User ID', 'Actions'],
        members.map((u) => [
          h('a', { href: `users/${seg(u.user_id)}` }, u.email ?? u.user_id),
          code(u.user_id),
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              'aria-label': `Remove ${u.email ?? u.user_id} from ${role.name}`,
              onclick: (e) =>
                busy(e.currentTarget.parentElement, fb, async () => {
                  await management('DELETE', `users/${seg(u.user_id)}/roles`, { roles: [role.id] });
                  await load();
                  return `${u.email ?? u.user_id} removed from ${role.name}.`;
                }),
            },
            'Remove',
          ),
        ]),
        'No members yet.',
      ),
    );
  };
  const email = h('input', { name: 'member_email', type: 'email', required: true, autocomplete: 'off' });
  const form = h('form', { class: 'inline-form' }, field('Add a member by email', email), h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Add member')));
  onSubmit(form, fb, async () => {
    const found = await get(`users-by-email?email=${encodeURIComponent(email.value.trim())}`);
    if (found.length === 0) {
      fb.error(`No user has the email ${email.value.trim()}.`);
      return undefined;
    }
    await post(`roles/${seg(role.id)}/users`, { users: found.map((u) => u.user_id) });
    email.value = '';
    await load();
    return `${found[0].email} added to ${role.name}.`;
  });
  try {
    await load();
  } catch (e) {
    list.replaceChildren(loadProblem(e, 'The members are', '/api/v2/roles/{id}/users'));
  }
  return section('Members', list, form, fb.el);
}

function deleteSection(role, ctx) {
  const fb = feedback();
  return section(
    'Delete this role',
    h('p', {}, 'Its members lose the permissions it gives, from their next token on.'),
    confirmButton({ label: 'Delete role', name: `Delete role ${role.name}`, confirm: 'Delete for good', question: `Delete ${role.name}?` }, fb, async () => {
      await del(`roles/${seg(role.id)}`);
      ctx.navigate('roles', `Role ${role.name} deleted.`);
    }),
    fb.el,
  );
}
