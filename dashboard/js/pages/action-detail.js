// One action: its code (a plain editor), secrets by name, deploy, versions, recent errors at login
// (from the logs), and deletion.

import { del, get, patch, post, seg } from '../api.js';
import { field, formatDate, h } from '../dom.js';
import { busy, confirmButton, feedback, loadProblem, onSubmit, pageHeading, section, table } from '../ui.js';
import { actionState } from './actions.js';

export async function render(view, ctx) {
  const [id] = ctx.params;
  let action;
  try {
    action = await get(`actions/actions/${seg(id)}`);
  } catch (e) {
    view.append(pageHeading('Action'), loadProblem(e, 'This action', '/api/v2/actions/actions'));
    return;
  }
  const state = h('p', { class: 'badge' }, actionState(action));
  const heading = pageHeading(action.name, 'post-login v3');
  heading.append(state);
  view.append(heading);
  const refresh = (a) => {
    action = a;
    state.textContent = actionState(a);
  };
  view.append(codeSection(action, refresh), secretsSection(action, refresh), await versionsSection(action), await errorsSection(action), deleteSection(action, ctx));
}

function codeSection(action, refresh) {
  const fb = feedback();
  const source = h('textarea', { name: 'code', rows: '18', spellcheck: 'false', class: 'code-editor' });
  source.value = action.code;
  const buildErrors = h('div');
  const showBuild = (errors) => buildErrors.replaceChildren(...(errors ?? []).map((e) => h('p', { class: 'error-message' }, `${e.id}: ${e.msg}`)));
  const save = async () => {
    const saved = await patch(`actions/actions/${seg(action.id)}`, { code: source.value });
    refresh(saved);
    return saved;
  };
  const deploy = async () => {
    await save();
    const version = await post(`actions/actions/${seg(action.id)}/deploy`);
    refresh(await get(`actions/actions/${seg(action.id)}`));
    showBuild(version.errors);
    return version.deployed ? `Deployed as version ${version.number}.` : 'Not deployed: the code does not build; see the errors below.';
  };
  const deployButton = h('button', { type: 'button', class: 'secondary' }, 'Save and deploy');
  const form = h(
    'form',
    { class: 'card' },
    field('Code', source, 'Saving changes the draft; logins run the deployed version until you deploy again.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save draft'), deployButton),
    buildErrors,
    fb.el,
  );
  deployButton.addEventListener('click', () => void busy(form, fb, deploy));
  onSubmit(form, fb, async () => {
    const saved = await save();
    showBuild([]);
    return saved.status === 'failed'
      ? 'Draft saved, but it does not build; “Save and deploy” lists the errors.'
      : 'Draft saved. Deploy it to run it at login.';
  });
  return section('Code', form);
}

function secretsSection(action, refresh) {
  const fb = feedback();
  const list = h('div');
  const draw = (a) =>
    list.replaceChildren(
      table(
        'Secrets (values are never shown)',
        ['Name', 'Updated', ''],
        a.secrets.map((s) => [
          s.name,
          formatDate(s.updated_at),
          confirmButton({ label: 'Remove', name: `Remove secret ${s.name}`, confirm: 'Remove secret' }, fb, async () => {
            const saved = await patch(`actions/actions/${seg(a.id)}`, { secrets: a.secrets.filter((x) => x.name !== s.name).map((x) => ({ name: x.name })) });
            refresh(saved);
            draw(saved);
            return `Secret ${s.name} removed; deploy to apply.`;
          }),
        ]),
        'No secrets.',
      ),
    );
  draw(action);
  const name = h('input', { name: 'secret_name', required: true, maxlength: '128', spellcheck: 'false', pattern: '[A-Za-z_][A-Za-z0-9_\\-]*' });
  const value = h('input', { name: 'secret_value', type: 'password', required: true, autocomplete: 'off' });
  const form = h(
    'form',
    { class: 'inline-form' },
    field('Secret name', name, 'Read in the code as event.secrets.<name>.'),
    field('Secret value', value, 'Stored encrypted; it cannot be read back.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Set secret')),
  );
  onSubmit(form, fb, async () => {
    const current = (await get(`actions/actions/${seg(action.id)}`)).secrets.filter((s) => s.name !== name.value.trim());
    const saved = await patch(`actions/actions/${seg(action.id)}`, {
      secrets: [...current.map((s) => ({ name: s.name })), { name: name.value.trim(), value: value.value }],
    });
    value.value = '';
    refresh(saved);
    draw(saved);
    return `Secret ${name.value.trim()} set; deploy to apply.`;
  });
  return section('Secrets', list, form, fb.el);
}

async function versionsSection(action) {
  let versions = [];
  try {
    versions = (await get(`actions/actions/${seg(action.id)}/versions?per_page=20`)).versions;
  } catch (e) {
    return section('Versions', loadProblem(e, 'Versions are', '/api/v2/actions/actions/{id}/versions'));
  }
  return section(
    'Versions',
    table(
      'Deployed versions, newest first',
      ['Version', 'Status', 'Deployed', 'Created'],
      versions.map((v) => [`v${v.number}`, v.status, v.deployed ? 'Running' : '', formatDate(v.created_at)]),
      'Never deployed.',
    ),
  );
}

/** Failed logins this action caused (log events of type `f` that name it), newest first. */
async function errorsSection(action) {
  let logs;
  try {
    const body = await get('logs?q=type:"f"&per_page=100&sort=date:-1');
    logs = (Array.isArray(body) ? body : body.logs).filter((l) => l.details?.action_id === action.id);
  } catch (e) {
    return section('Recent errors', loadProblem(e, 'Logs are', '/api/v2/logs'));
  }
  return section(
    'Recent errors',
    table(
      'Recent failed logins caused by this action',
      ['Date', 'What happened', 'User'],
      logs.slice(0, 10).map((l) => [formatDate(l.date), l.description, l.user_name ?? l.user_id ?? '']),
      'No recent errors.',
    ),
  );
}

function deleteSection(action, ctx) {
  const fb = feedback();
  return section(
    'Delete',
    h('p', {}, 'Deleting removes the action, its versions and its place in the post-login flow.'),
    confirmButton({ label: 'Delete action', confirm: 'Delete for good' }, fb, async () => {
      await del(`actions/actions/${seg(action.id)}?force=true`);
      ctx.navigate('actions', `Action “${action.name}” deleted.`);
    }),
    fb.el,
  );
}
