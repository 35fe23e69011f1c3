import { randomBytes } from 'node:crypto';
import helmet from 'helmet';
import type { RequestHandler, Response } from 'express';

/**
 * AdminJS renders its pages itself (no layout option) and embeds its state in inline scripts:
 * `window.REDUX_STATE = ${JSON.stringify(state)};`. JSON.stringify leaves `</script>` as it
 * is, so a staff member named `</script><script>alert(1)</script>` would run script in every
 * colleague's panel. Each page is therefore rewritten on its way out: the embedded JSON is
 * serialised again with `<`, `>`, `&`, U+2028 and U+2029 escaped, and AdminJS's own inline
 * scripts get this response's CSP nonce, so the panel needs no 'unsafe-inline'.
 * The pages' referrer policy is same-origin, not helmet's no-referrer: under no-referrer a
 * browser sends `Origin: null` even with the panel's own form posts, and the same-origin check
 * (same-origin.ts) could not tell them from a foreign page's.
 */
export function securePanelPages(mediaOrigin: string): RequestHandler[] {
  const policy = helmet.contentSecurityPolicy({
    directives: {
      scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce}'`],
      // product images' thumbnails from the media storage, and the upload form's preview of the chosen file
      imgSrc: ["'self'", 'data:', 'blob:', mediaOrigin],
    },
  });
  const rewrite: RequestHandler = (_req, res, next) => {
    const nonce = randomBytes(16).toString('base64');
    res.locals.cspNonce = nonce;
    const send = res.send.bind(res);
    res.send = (body?: unknown) => send(typeof body === 'string' && /^\s*<!DOCTYPE html>/i.test(body) ? securePage(body, nonce) : body);
    next();
  };
  return [rewrite, policy, helmet.referrerPolicy({ policy: 'same-origin' })];
}

/** JSON that is safe inside an HTML <script> element and in any JavaScript source. */
export const jsonForScript = (value: unknown) =>
  JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

// JSON.stringify never writes a raw line feed, so the assignment's JSON is the rest of its line
// ([^\n], not `.`, which stops at a raw U+2028 and would leave that line unescaped).
const EMBEDDED_STATE = /^(\s*window\.(?:REDUX_STATE|THEME) = )([^\n]*);\s*$/;

function securePage(html: string, nonce: string): string {
  return html
    .split('\n')
    .map((line) => {
      const embedded = EMBEDDED_STATE.exec(line);
      // a line that does not parse is not AdminJS's JSON.stringify output: fail rather than serve it
      return embedded ? `${embedded[1]}${jsonForScript(JSON.parse(embedded[2]))};` : line;
    })
    .join('\n')
    .replaceAll('<script>', `<script nonce="${nonce}">`);
}
