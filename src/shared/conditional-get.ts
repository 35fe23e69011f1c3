import type { Express, Request } from 'express';
import fresh from 'fresh';

/**
 * Answers a GET whose If-None-Match names the current ETag with 304, whatever its
 * Cache-Control says.
 *
 * Express sends 304 only when `req.fresh`, and the `fresh` package calls every request with
 * `Cache-Control: no-cache` stale. A browser's `fetch` adds exactly that header to any request
 * whose page set If-None-Match by hand (Fetch standard, HTTP-network-or-cache fetch), so a
 * storefront revalidating its own copy would always get the whole body again. `no-cache` only
 * forbids a cache to answer without asking the origin (RFC 9111, 5.2.1.4); the origin checking
 * If-None-Match is that asking (RFC 9110, 13.1.2), so freshness is judged without it.
 */
export function revalidateDespiteNoCache(app: Express): void {
  Object.defineProperty(app.request, 'fresh', {
    configurable: true,
    enumerable: true,
    get(this: Request): boolean {
      if (this.method !== 'GET' && this.method !== 'HEAD') return false;
      const res = this.res!;
      // a 304 stands in for a 2xx only: an error is never "not modified"
      if (!((res.statusCode >= 200 && res.statusCode < 300) || res.statusCode === 304)) return false;
      return fresh({ ...this.headers, 'cache-control': undefined }, { etag: res.get('ETag'), 'last-modified': res.get('Last-Modified') });
    },
  });
}
