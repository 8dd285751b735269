// A pure module (no $lib or $contracts imports), so unit tests import it as it is.

// Browsers drop tabs and newlines from URLs ("/\t/evil.example" becomes "//evil.example", another
// site), and a control character in a Location header is refused outright: none may pass.
const INVISIBLE_OR_CONTROL = /[\p{Cc}\p{Cf}\p{Z}\s]/u;

/**
 * Where to go after logging in: a path on this site (`origin`) only, never another origin, as a
 * URL fit for a Location header. `next` is taken as already decoded once (URLSearchParams.get
 * does); anything else, or anything odd, goes to `/`.
 */
export function safeNext(next: string | null | undefined, origin: string): string {
  if (!next || next.length > 2000) return '/';
  // One slash, then a path: "//host" and "/\\host" name another host.
  if (next[0] !== '/' || next[1] === '/' || next[1] === '\\') return '/';
  if (INVISIBLE_OR_CONTROL.test(next)) return '/';
  try {
    const base = new URL(origin);
    const url = new URL(next, base);
    if (url.origin !== base.origin) return '/';
    // Re-serialised by the URL parser: percent-encoded, so "/燕" is sent as "/%E7%87%95".
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return '/';
  }
}
