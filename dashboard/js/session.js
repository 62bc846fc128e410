// The dashboard's session: a Management API access token in this tab's sessionStorage, nowhere else
// (no cookie, no URL, no localStorage). It ends when the tab closes, on sign-out, or when the token expires.

const KEY = 'tessera.dashboard.session';

/** The stored session, or null when there is none or it has expired. */
export function currentSession() {
  let session;
  try {
    session = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
  } catch {
    session = null;
  }
  if (!session || typeof session.accessToken !== 'string' || !(session.expiresAt > Date.now())) {
    return null;
  }
  return session;
}

export function saveSession(session) {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function endSession() {
  sessionStorage.removeItem(KEY);
}
