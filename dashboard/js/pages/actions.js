// Actions: the tenant's post-login actions, a form to create one, and the post-login flow (which
// deployed actions run at every login, in order).

import { get, patch, post, seg } from '../api.js';
import { field, h } from '../dom.js';
import { busy, code, feedback, loadProblem, onSubmit, pageHeading, section, select, table } from '../ui.js';

export const TEMPLATE = `/**
 * Runs after every login (code flow, password grants, refresh token exchanges).
 * @param {Event} event - the user, client, request and transaction of this login.
 * @param {PostLoginAPI} api - change the tokens, deny the login, update the user's metadata.
 */
exports.onExecutePostLogin = async (event, api) => {
  // api.idToken.setCustomClaim('https://example.com/roles', event.authorization.roles);
};
`;

/** A short word for where an action stands. */
export function actionState(a) {
  if (a.status === 'failed') {
    return 'Build failed';
  }
  if (!a.deployed_version) {
    return 'Not deployed';
  }
  return a.all_changes_deployed ? `Deployed (v${a.deployed_version.number})` : `Deployed (v${a.deployed_version.number}), draft changed`;
}

async function allActions() {
  const all = [];
  for (let page = 0; page < 20; page += 1) {
    const body = await get(`actions/actions?page=${page}&per_page=100`);
    all.push(...body.actions);
    if (body.actions.length < 100) {
      break;
    }
  }
  return all;
}

export async function render(view, ctx) {
  view.append(pageHeading('Actions', 'Code of your own that runs in a sandbox after every login: custom claims, denials, metadata.'));
  let actions;
  let bindings;
  try {
    [actions, bindings] = await Promise.all([allActions(), get('actions/triggers/post-login/bindings?per_page=100')]);
  } catch (e) {
    view.append(loadProblem(e, 'Actions are', '/api/v2/actions/actions'));
    return;
  }
  view.append(
    table(
      'Actions of this tenant',
      ['Name', 'State', 'Trigger', 'Updated'],
      actions.map((a) => [
        h('a', { href: `actions/${seg(a.id)}` }, a.name),
        actionState(a),
        a.supported_triggers.map((t) => `${t.id} ${t.version}`).join(', '),
        new Date(a.updated_at).toLocaleString(),
      ]),
      'This tenant has no actions yet.',
    ),
  );
  view.append(flowSection(actions, bindings.bindings));
  // The fetch switch is a tenant setting; a session that may not read settings just does not see it.
  const settings = await get('tenants/settings?fields=flags').catch(() => undefined);
  if (settings) {
    view.append(fetchSection(settings));
  }
  view.append(createSection(ctx));
}

/** The tenant's `flags.actions_fetch`: whether actions get `fetch` (public addresses only). */
function fetchSection(initial) {
  const fb = feedback();
  const box = h('input', { type: 'checkbox', name: 'actions_fetch' });
  box.checked = Boolean(initial.flags?.actions_fetch);
  const form = h(
    'form',
    { class: 'card' },
    field(
      'Let actions call fetch',
      box,
      'Off by default. When on, actions may make HTTP requests to public addresses only (never loopback or private networks, unless the deployment allows a host), at most 10 per run, 1 MB per response, within 5 s per action.',
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save')),
    fb.el,
  );
  onSubmit(form, fb, async () => {
    const saved = await patch('tenants/settings', { flags: { actions_fetch: box.checked } });
    box.checked = Boolean(saved.flags?.actions_fetch);
    return box.checked ? 'Actions may now call fetch.' : 'fetch is now absent from actions.';
  });
  return section('Network access', form);
}

/** The post-login flow: bound actions in order, each movable and removable, and a way to add one. */
function flowSection(actions, initial) {
  const fb = feedback();
  const body = h('div');
  let bound = initial.map((b) => ({ id: b.action.id, name: b.action.name, display: b.display_name }));

  const save = async (next, message) => {
    const res = await patch('actions/triggers/post-login/bindings', {
      bindings: next.map((b) => ({ ref: { type: 'action_id', value: b.id }, display_name: b.display })),
    });
    bound = res.bindings.map((b) => ({ id: b.action.id, name: b.action.name, display: b.display_name }));
    draw();
    return message;
  };
  const move = (i, by) => {
    const next = [...bound];
    const [item] = next.splice(i, 1);
    next.splice(i + by, 0, item);
    return save(next, `${item.display} moved ${by < 0 ? 'up' : 'down'}.`);
  };

  function draw() {
    const deployable = actions.filter((a) => a.deployed_version && !bound.some((b) => b.id === a.id));
    const choice = select(
      deployable.map((a) => ({ value: a.id, label: a.name })),
      deployable[0]?.id,
      { name: 'action' },
    );
    const rows = bound.map((b, i) => [
      `${i + 1}. ${b.display}`,
      h(
        'span',
        { class: 'row-actions' },
        h('button', { type: 'button', class: 'secondary', disabled: i === 0, 'aria-label': `Move ${b.display} up`, onclick: () => busy(body, fb, () => move(i, -1)) }, 'Up'),
        h('button', { type: 'button', class: 'secondary', disabled: i === bound.length - 1, 'aria-label': `Move ${b.display} down`, onclick: () => busy(body, fb, () => move(i, 1)) }, 'Down'),
        h(
          'button',
          { type: 'button', class: 'secondary', 'aria-label': `Remove ${b.display} from the flow`, onclick: () => busy(body, fb, () => save(bound.filter((x) => x !== b), `${b.display} removed from the flow.`)) },
          'Remove',
        ),
      ),
    ]);
    const add = h(
      'form',
      { class: 'inline-form' },
      field('Action to add', choice, deployable.length ? 'Only deployed actions can run.' : 'Deploy an action first; only deployed actions can run.'),
      h('div', { class: 'actions' }, h('button', { type: 'submit', disabled: deployable.length === 0 }, 'Add to flow')),
    );
    onSubmit(add, fb, () => {
      const a = actions.find((x) => x.id === choice.value);
      return save([...bound, { id: a.id, name: a.name, display: a.name }], `${a.name} added to the flow.`);
    });
    body.replaceChildren(table('Post-login flow, in the order the actions run', ['Action', 'Order'], rows, 'No action runs at login.'), add);
  }
  draw();
  return section('Post-login flow', h('p', { class: 'muted' }, 'Runs in this order after every login; a later action’s claim wins over an earlier one.'), body, fb.el);
}

function createSection(ctx) {
  const fb = feedback();
  const name = h('input', { name: 'name', required: true, maxlength: '255' });
  const source = h('textarea', { name: 'code', rows: '12', spellcheck: 'false', class: 'code-editor' });
  source.value = TEMPLATE;
  const form = h(
    'form',
    { class: 'card' },
    field('Name', name),
    field('Code', source, 'JavaScript: export onExecutePostLogin(event, api). No modules or timers; fetch only if network access is on.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create action')),
    fb.el,
  );
  onSubmit(form, fb, async () => {
    const created = await post('actions/actions', {
      name: name.value.trim(),
      supported_triggers: [{ id: 'post-login', version: 'v3' }],
      code: source.value,
    });
    ctx.navigate(`actions/${seg(created.id)}`, `Action “${created.name}” created; deploy it to run it.`);
  });
  return section('Create an action', form, h('p', { class: 'muted' }, code('post-login'), ' v3 is the trigger Tessera runs.'));
}
