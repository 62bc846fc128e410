// The dashboard shell: signs in, routes /dashboard/<page> paths with the History API, renders one page at
// a time into <main>, and moves focus to each new page's heading. /dashboard/callback is where the
// tenant's login page sends a user back (account.js); it is handled once, before the first render.

import { completeAccountSignIn, loadAccountConfig, SignInError } from './account.js';
import { discovery, onSessionExpired } from './api.js';
import { h } from './dom.js';
import { currentSession, endSession } from './session.js';
import * as actionDetail from './pages/action-detail.js';
import * as actions from './pages/actions.js';
import * as apiDetail from './pages/api-detail.js';
import * as apis from './pages/apis.js';
import * as applicationDetail from './pages/application-detail.js';
import * as applications from './pages/applications.js';
import * as keys from './pages/keys.js';
import * as logs from './pages/logs.js';
import * as roleDetail from './pages/role-detail.js';
import * as roles from './pages/roles.js';
import * as settings from './pages/settings.js';
import * as signIn from './pages/sign-in.js';
import * as userDetail from './pages/user-detail.js';
import * as users from './pages/users.js';

const BASE = new URL(document.baseURI).pathname; // "/dashboard/"

const ROUTES = [
  { pattern: /^apis$/, page: apis, section: 'apis' },
  { pattern: /^apis\/([^/]+)$/, page: apiDetail, section: 'apis' },
  { pattern: /^applications$/, page: applications, section: 'applications' },
  { pattern: /^applications\/([^/]+)$/, page: applicationDetail, section: 'applications' },
  { pattern: /^users$/, page: users, section: 'users' },
  { pattern: /^users\/([^/]+)$/, page: userDetail, section: 'users' },
  { pattern: /^roles$/, page: roles, section: 'roles' },
  { pattern: /^roles\/([^/]+)$/, page: roleDetail, section: 'roles' },
  { pattern: /^settings$/, page: settings, section: 'settings' },
  { pattern: /^keys$/, page: keys, section: 'keys' },
  { pattern: /^logs$/, page: logs, section: 'logs' },
  { pattern: /^actions$/, page: actions, section: 'actions' },
  { pattern: /^actions\/([^/]+)$/, page: actionDetail, section: 'actions' },
];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const announcer = document.getElementById('announcer');
let tenant = { issuer: location.origin + '/' };
let renderCount = 0;
let pendingFlash = null;
let signInNotice = null;
/** The tenant's dashboard client settings (config.json), for signing in with an account. */
let account = null;
/** What the sign-in page says about the last account sign-in: `{ kind: 'not-admin', who }` or `{ kind: 'error', message }`. */
let accountNotice = null;

function currentPath() {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '';
  return decodeURI(path).replace(/\/+$/, '') || 'apis';
}

/** Goes to a dashboard path (`apis/<id>`), optionally with a message for the next page to show. */
export function navigate(path, flash) {
  pendingFlash = flash ?? null;
  history.pushState(null, '', BASE + path);
  void render({ focus: true });
}

export function announce(message) {
  announcer.textContent = '';
  // A fresh text node after a tick is announced even when the same message repeats.
  setTimeout(() => (announcer.textContent = message), 50);
}

function updateChrome(session, section) {
  document.getElementById('tenant-label').textContent = `Tenant ${tenant.issuer}`;
  const box = document.getElementById('session-box');
  nav.hidden = !session;
  box.hidden = !session;
  if (session) {
    const until = new Date(session.expiresAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    document.getElementById('session-label').textContent = `Signed in as ${session.subject} · until ${until}`;
  }
  for (const link of nav.querySelectorAll('a[data-section]')) {
    if (link.dataset.section === section) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
}

async function render({ focus }) {
  renderCount += 1;
  const mine = renderCount;
  const session = currentSession();
  const path = currentPath();
  const view = h('div', { class: 'view' });
  main.replaceChildren(view);
  main.setAttribute('aria-busy', 'true');

  let route = ROUTES.map((r) => ({ ...r, match: r.pattern.exec(path) })).find((r) => r.match);
  let page = route?.page;
  if (!session) {
    page = signIn;
    route = { section: null, match: [] };
  }
  updateChrome(session, route?.section);

  const flash = pendingFlash ?? (page === signIn ? signInNotice : null);
  const notice = page === signIn ? accountNotice : null;
  pendingFlash = null;
  signInNotice = null;
  accountNotice = null;
  const flashEl = h('p', { role: 'status', class: 'flash' });
  view.append(flashEl);

  const ctx = {
    tenant,
    account,
    accountNotice: notice,
    session,
    params: route?.match?.slice(1).map(decodeURIComponent) ?? [],
    navigate,
    announce,
    returnTo: path,
    isCurrent: () => mine === renderCount,
    signedIn: (message) => {
      const target = ROUTES.some((r) => r.pattern.test(path)) ? path : 'apis';
      pendingFlash = message;
      history.replaceState(null, '', BASE + target);
      void render({ focus: true });
    },
  };
  if (!page) {
    view.append(h('h1', { tabindex: '-1' }, 'Page not found'), h('p', {}, h('a', { href: 'apis' }, 'Go to the APIs')));
  } else {
    try {
      await page.render(view, ctx);
    } catch (e) {
      view.append(h('p', { role: 'alert', class: 'error-message' }, `This page failed: ${e instanceof Error ? e.message : String(e)}`));
    }
  }
  if (mine !== renderCount) {
    return;
  }
  main.removeAttribute('aria-busy');
  const heading = view.querySelector('h1');
  document.title = `${heading?.textContent ?? 'Dashboard'} · Tessera`;
  if (focus && heading) {
    heading.focus();
  }
  if (flash) {
    setTimeout(() => (flashEl.textContent = flash), 50);
  }
}

document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
    return;
  }
  if (link.id === 'skip-link') {
    event.preventDefault();
    main.focus();
    return;
  }
  const url = new URL(link.href);
  if (url.origin !== location.origin || !url.pathname.startsWith(BASE) || link.target || link.hasAttribute('download')) {
    return;
  }
  event.preventDefault();
  navigate(url.pathname.slice(BASE.length) || 'apis');
});

window.addEventListener('popstate', () => void render({ focus: true }));

document.getElementById('sign-out').addEventListener('click', () => {
  const signOutUrl = currentSession()?.signOutUrl;
  endSession();
  if (signOutUrl) {
    // Signed in with an account: end the tenant's login session too; /v2/logout sends the browser back here.
    location.assign(signOutUrl);
    return;
  }
  signInNotice = 'Signed out. The token was removed from this tab.';
  void render({ focus: true });
});

onSessionExpired(() => {
  signInNotice = 'Your session has ended (the token expired or was refused); sign in again.';
  endSession();
  void render({ focus: true });
});

/** The answer of the tenant's login page: keep the token of an admin, then leave the callback URL (and its code). */
async function completeCallback() {
  let target = '';
  try {
    const result = await completeAccountSignIn(account, location.search);
    if (result.admin) {
      const hours = Math.round(result.expiresIn / 3600);
      const lifetime = hours >= 2 ? `${hours} hours` : `${Math.round(result.expiresIn / 60)} minutes`;
      pendingFlash = `Signed in as ${result.who}. The Management API token is kept in this tab only and ends at sign-out or after ${lifetime}.`;
      target = ROUTES.some((r) => r.pattern.test(result.returnTo ?? '')) ? result.returnTo : 'apis';
    } else {
      accountNotice = { kind: 'not-admin', who: result.who };
    }
  } catch (e) {
    accountNotice = { kind: 'error', message: e instanceof SignInError ? e.message : `The sign-in failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  history.replaceState(null, '', BASE + target);
}

const [discovered, accountConfig] = await Promise.allSettled([discovery(), loadAccountConfig()]);
if (discovered.status === 'fulfilled') {
  tenant = { ...tenant, ...discovered.value };
}
// Otherwise the sign-in page reports problems reaching the server when it tries.
account = accountConfig.status === 'fulfilled' ? accountConfig.value : null;
if (currentPath() === 'callback') {
  await completeCallback();
}
await render({ focus: false });
