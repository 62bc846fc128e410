/**
 * The authorization endpoint's response types and modes (OAuth 2.0 Multiple Response Type Encoding
 * Practices, OIDC Core §3.2 and §3.3, OAuth 2.0 Form Post Response Mode) and Auth0's `web_message`.
 * Pure functions, no I/O.
 */

/** Every response type Tessera answers, in the spelling discovery lists. */
export const RESPONSE_TYPES = [
  'code',
  'token',
  'id_token',
  'id_token token',
  'code id_token',
  'code token',
  'code id_token token',
] as const;
export const RESPONSE_MODES = ['query', 'fragment', 'form_post', 'web_message'] as const;

export type ResponseMode = (typeof RESPONSE_MODES)[number];

/** A parsed response type: which of the three artefacts the authorization endpoint returns. */
export interface ResponseType {
  code: boolean;
  token: boolean;
  idToken: boolean;
}

/** The words in any order (`token id_token` is `id_token token`), or undefined when not supported. */
export function parseResponseType(value: string): ResponseType | undefined {
  const words = value.split(' ');
  if (words.some((w) => w === '') || new Set(words).size !== words.length) {
    return undefined;
  }
  const rt = { code: words.includes('code'), token: words.includes('token'), idToken: words.includes('id_token') };
  const known = Number(rt.code) + Number(rt.token) + Number(rt.idToken);
  return known === words.length && known > 0 ? rt : undefined;
}

/** Whether tokens come straight from /authorize (the implicit grant's part in this response type). */
export function issuesFromAuthorize(rt: ResponseType): boolean {
  return rt.token || rt.idToken;
}

/** RFC 6749 §4.1.2 and §4.2.2: a code alone goes in the query; anything with a token in the fragment. */
export function defaultResponseMode(rt: ResponseType): ResponseMode {
  return issuesFromAuthorize(rt) ? 'fragment' : 'query';
}

export function isResponseMode(value: string): value is ResponseMode {
  return (RESPONSE_MODES as readonly string[]).includes(value);
}

/**
 * Why this combination is refused, or undefined. Tokens never travel in the query (Multiple Response
 * Types §5: it would leak them to logs and Referer headers).
 */
export function responseModeProblem(rt: ResponseType, mode: ResponseMode): string | undefined {
  if (mode === 'query' && issuesFromAuthorize(rt)) {
    return 'response_mode=query is not allowed for response types that return tokens; use fragment or form_post';
  }
  return undefined;
}

/**
 * The mode a response goes back in, and why the requested one is refused if it is. Errors go back in
 * the chosen mode too: the requested one when usable, else the response type's default.
 */
export function chooseResponseMode(
  responseType: string | undefined,
  requested: string | undefined,
): { mode: ResponseMode; problem?: string } {
  const rt = parseResponseType(responseType ?? '');
  const fallback = rt ? defaultResponseMode(rt) : 'query';
  if (requested === undefined) {
    return { mode: fallback };
  }
  if (!isResponseMode(requested)) {
    return { mode: fallback, problem: `Unsupported response_mode: ${requested}` };
  }
  const problem = rt ? responseModeProblem(rt, requested) : undefined;
  return problem ? { mode: fallback, problem } : { mode: requested };
}
