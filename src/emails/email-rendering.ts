import { Liquid } from 'liquidjs';
import { RuleViolation } from '../errors/api-error.js';

/** The variables Auth0 gives its templates (the ones Tessera knows). */
export interface TemplateVariables {
  user: {
    email: string;
    name: string;
    nickname?: string;
    given_name?: string | null;
    family_name?: string | null;
    user_metadata: Record<string, unknown>;
    app_metadata?: Record<string, unknown>;
  };
  application: { name: string; clientID?: string };
  connection: { name: string };
  /** The tenant's name (its id), as Auth0's `{{ tenant }}`. */
  tenant: string;
  friendly_name: string;
  support_email: string;
  support_url: string;
  /** The action link (verification or reset), on the issuer's origin; absent for mails without one. */
  url?: string;
}

/** Bounds on what a tenant's template may cost to parse and render. */
const LIMITS = { parseLimit: 200_000, renderLimit: 1000, memoryLimit: 10_000_000 };

/** Bodies are HTML: every output is escaped unless a template says `| raw`. */
const html = new Liquid({ outputEscape: 'escape', ownPropertyOnly: true, strictFilters: true, cache: 200, ...LIMITS });
/** Subjects are a header, not HTML; line breaks are removed so nothing can add a header. */
const plain = new Liquid({ ownPropertyOnly: true, strictFilters: true, cache: 200, ...LIMITS });

export interface RenderedMail {
  subject: string;
  html: string;
}

/** A template that does not render: refused where an admin previews it, given up on where a mail is sent. */
export class TemplateError extends RuleViolation {
  constructor(readonly detail: string) {
    super(`The template does not render: ${detail}`);
  }
}

export async function renderMail(subject: string, body: string, vars: TemplateVariables): Promise<RenderedMail> {
  try {
    const [s, h] = await Promise.all([plain.parseAndRender(subject, vars), html.parseAndRender(body, vars)]);
    return {
      subject: String(s)
        .replace(/[\r\n]+/g, ' ')
        .trim()
        .slice(0, 998),
      html: String(h),
    };
  } catch (e) {
    throw new TemplateError(e instanceof Error ? e.message : String(e));
  }
}

/** Parses without rendering: a template that does not parse is refused when saved. */
export function templateProblem(text: string): string | undefined {
  try {
    html.parse(text);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message.split('\n')[0] : String(e);
  }
}
