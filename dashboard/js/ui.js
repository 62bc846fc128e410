// Small building blocks shared by the pages: headings, announced feedback, forms that show the server's
// message on failure, confirm-twice buttons, tables.

import { ApiError, isMissingRoute, SessionExpiredError } from './api.js';
import { h, uid } from './dom.js';

export function pageHeading(text, subtitle) {
  return h('div', { class: 'page-heading' }, h('h1', { tabindex: '-1' }, text), subtitle ? h('p', { class: 'subtitle' }, subtitle) : null);
}

/**
 * A pair of live regions under a form or a section: `status` (polite, role="status") for what worked and
 * `error` (assertive, role="alert") for what the server refused, with its message as sent.
 */
export function feedback() {
  const statusEl = h('p', { role: 'status', class: 'status-message' });
  const alertEl = h('p', { role: 'alert', class: 'error-message' });
  return {
    el: h('div', { class: 'feedback' }, statusEl, alertEl),
    status(message) {
      alertEl.textContent = '';
      statusEl.textContent = message;
    },
    error(message) {
      statusEl.textContent = '';
      alertEl.textContent = message;
    },
    clear() {
      statusEl.textContent = '';
      alertEl.textContent = '';
    },
  };
}

/** The text to show for a failed call: the server's message, or what went wrong on the way. */
export function errorText(error) {
  if (error instanceof ApiError) {
    return error.message;
  }
  return `The request failed: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * Runs `action` on submit with the form's buttons disabled; a refusal shows the server's message in `fb`.
 * `action` returns the status text to announce, or nothing.
 */
export function onSubmit(form, fb, action) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await busy(form, fb, action);
  });
  return form;
}

/** Runs `action` with `container`'s buttons disabled; see onSubmit. True when it succeeded. */
export async function busy(container, fb, action) {
  const buttons = [...container.querySelectorAll('button')].filter((b) => !b.disabled);
  buttons.forEach((b) => (b.disabled = true));
  container.setAttribute('aria-busy', 'true');
  fb.clear();
  try {
    const message = await action();
    if (message) {
      fb.status(message);
    }
    return true;
  } catch (e) {
    if (!(e instanceof SessionExpiredError)) {
      fb.error(errorText(e));
    }
    return false;
  } finally {
    container.removeAttribute('aria-busy');
    buttons.forEach((b) => {
      if (b.isConnected) {
        b.disabled = false;
      }
    });
  }
}

/**
 * A destructive action asked twice: the first press shows "confirm" and "cancel" buttons in its place,
 * with focus on the confirm button; Escape or cancel puts the first button back. `name` is the first
 * button's accessible name when its visible `label` is short ("Revoke" for "Revoke key abc").
 */
export function confirmButton({ label, name, confirm: confirmLabel, question }, fb, action) {
  const box = h('span', { class: 'confirm' });
  const start = h('button', { type: 'button', class: 'danger', 'aria-label': name }, label);
  const reset = () => {
    box.replaceChildren(start);
    start.focus();
  };
  start.addEventListener('click', () => {
    const yes = h('button', { type: 'button', class: 'danger' }, confirmLabel);
    const no = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
    const prompt = h('span', { class: 'confirm-question', id: uid('confirm') }, question ?? 'Are you sure?');
    yes.setAttribute('aria-describedby', prompt.id);
    no.addEventListener('click', reset);
    box.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && box.contains(yes)) {
        reset();
      }
    });
    yes.addEventListener('click', async () => {
      // Done: put the first button back (when the page still shows it); refused: leave the choice open.
      if ((await busy(box, fb, action)) && box.isConnected) {
        reset();
      }
    });
    box.replaceChildren(prompt, ' ', yes, ' ', no);
    yes.focus();
  });
  box.append(start);
  return box;
}

/** A table with a caption and column headers; `rows` are arrays of cells (nodes or text). */
export function table(caption, headers, rows, empty = 'None yet.') {
  if (rows.length === 0) {
    return h('p', { class: 'empty' }, empty);
  }
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, headers.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', {}, c)))))),
    ),
  );
}

export function select(options, value, props = {}) {
  return h(
    'select',
    props,
    options.map((o) => h('option', { value: o.value, selected: o.value === value, disabled: o.disabled }, o.label)),
  );
}

export function section(title, ...children) {
  const id = uid('section');
  return h('section', { 'aria-labelledby': id, class: 'panel' }, h('h2', { id }, title), ...children);
}

/** What a page shows when a part of the Management API is missing on this server, or a read failed. */
export function loadProblem(error, what, path) {
  if (isMissingRoute(error)) {
    return h(
      'p',
      { class: 'notice', role: 'status' },
      `${what} not available on this server: it has no ${path} endpoint yet. Nothing here can be shown or changed until it does.`,
    );
  }
  if (error instanceof SessionExpiredError) {
    return h('p', { role: 'alert', class: 'error-message' }, error.message);
  }
  return h('p', { role: 'alert', class: 'error-message' }, `${what} could not be loaded: ${errorText(error)}`);
}

/** Lines of a textarea as a list, blank lines dropped. */
export function lines(text) {
  return text
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function code(text) {
  return h('code', {}, text);
}

/**
 * WAI-ARIA tabs: `tabs` are `{ label, panel }`; one panel shows at a time. Arrow keys, Home and End move
 * between tabs (automatic activation); only the selected tab is in the tab order.
 */
export function tabsView(name, tabs) {
  const list = h('div', { role: 'tablist', 'aria-label': name });
  const buttons = tabs.map((t) => {
    const tab = h('button', { type: 'button', role: 'tab', id: uid('tab') }, t.label);
    const panel = h('div', { role: 'tabpanel', tabindex: '0' }, t.panel);
    panel.setAttribute('aria-labelledby', tab.id);
    panel.id = uid('tabpanel');
    tab.setAttribute('aria-controls', panel.id);
    return { tab, panel };
  });
  const choose = (index, focus) => {
    buttons.forEach(({ tab, panel }, i) => {
      tab.setAttribute('aria-selected', String(i === index));
      tab.tabIndex = i === index ? 0 : -1;
      panel.hidden = i !== index;
    });
    if (focus) {
      buttons[index].tab.focus();
    }
  };
  buttons.forEach(({ tab }, i) => {
    tab.addEventListener('click', () => choose(i, false));
    tab.addEventListener('keydown', (e) => {
      const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: buttons.length - 1 }[e.key];
      if (next !== undefined) {
        e.preventDefault();
        choose((next + buttons.length) % buttons.length, true);
      }
    });
  });
  list.append(...buttons.map((b) => b.tab));
  choose(0, false);
  return h('div', { class: 'tabs' }, list, ...buttons.map((b) => b.panel));
}
