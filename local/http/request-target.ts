/** The path and query of an origin-form request target (`/events?x=1`). */
export interface RequestTarget {
  /** Everything before `?`, as sent (not percent-decoded). */
  readonly path: string;
  /** Everything after the first `?`, without it; empty when there is none. */
  readonly query: string;
}

/**
 * Splits a request target into path and query without resolving it as a URL, so no target can throw: only
 * origin-form (`/path?query`, RFC 9112 §3.2.1, https://www.rfc-editor.org/rfc/rfc9112#section-3.2.1) is served;
 * absolute-form, asterisk-form and anything else give `undefined` (answer 400). `new URL('//[', base)` throws
 * because it reads `//[` as a host; here it is just a path no route matches.
 */
export function parseRequestTarget(target: string | undefined): RequestTarget | undefined {
  if (target === undefined || !target.startsWith('/')) return undefined;
  const mark = target.indexOf('?');
  return mark === -1
    ? { path: target, query: '' }
    : { path: target.slice(0, mark), query: target.slice(mark + 1) };
}
