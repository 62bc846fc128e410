// Builds DOM nodes from data. Text always goes in as text nodes, never as HTML: the page's CSP enforces
// Trusted Types with no policy, so any innerHTML assignment would throw.

const PROPERTIES = new Set(['value', 'checked', 'disabled', 'selected', 'hidden', 'readOnly', 'required', 'multiple']);

/**
 * h('button', { type: 'button', onclick: fn }, 'Save') creates an element. Attributes that are false,
 * null or undefined are left out; `true` sets an empty attribute; `on*` functions become listeners.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (PROPERTIES.has(key)) {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) {
      continue;
    }
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

let ids = 0;
/** A document-unique id for label/for and aria-describedby pairs. */
export function uid(prefix) {
  ids += 1;
  return `${prefix}-${ids}`;
}

/**
 * A labelled control: label, control and an optional hint wired with aria-describedby.
 * `control` is an element; its id is set when missing.
 */
export function field(label, control, hint) {
  control.id ||= uid('field');
  const hintEl = hint ? h('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintEl) {
    const describedBy = control.getAttribute('aria-describedby');
    control.setAttribute('aria-describedby', describedBy ? `${describedBy} ${hintEl.id}` : hintEl.id);
  }
  const wrapper = control.type === 'checkbox' ? 'field checkbox' : 'field';
  return control.type === 'checkbox'
    ? h('div', { class: wrapper }, control, h('label', { for: control.id }, label), hintEl)
    : h('div', { class: wrapper }, h('label', { for: control.id }, label), control, hintEl);
}

export function formatDate(value) {
  if (!value) {
    return '—';
  }
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString();
}
