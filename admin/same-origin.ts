import type { Request, RequestHandler } from 'express';
import { Forbidden } from '../src/shared/errors.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The panel signs staff in with a cookie, and SameSite=Lax does not stop a page on a sibling
 * subdomain (same site, another origin) from posting to it. A state-changing request must come
 * from the panel's own origin: PUBLIC_BASE_URL's, or the one the browser addressed (Host), which
 * a page elsewhere cannot choose. Browsers send Origin with every such request (the Fetch
 * standard); Referer is the fallback for the old ones that did not. A request with neither did
 * not come from a page in a browser (curl, a script, which could forge both headers anyway):
 * it passes, and still needs a session.
 */
export function refuseForeignOrigins(publicBaseUrl: string): RequestHandler {
  const configured = new URL(publicBaseUrl).origin;
  return (req, _res, next) => {
    if (!STATE_CHANGING.has(req.method)) return next();
    const from = claimedOrigin(req);
    if (from === undefined || from === configured || from === `${req.protocol}://${req.get('host')}`) return next();
    next(
      new Forbidden(
        `Cross-origin request refused: it came from ${from === 'null' ? 'a page that hides its origin' : from}, not from the staff panel's own origin (${configured}). Open the panel there and try again.`,
      ),
    );
  };
}

function claimedOrigin(req: Request): string | undefined {
  const origin = req.get('origin');
  if (origin !== undefined) return origin; // "null" (a sandboxed page, or one whose referrer policy is no-referrer) never matches
  const referer = req.get('referer');
  if (referer === undefined) return undefined;
  return URL.canParse(referer) ? new URL(referer).origin : 'an unreadable Referer';
}
