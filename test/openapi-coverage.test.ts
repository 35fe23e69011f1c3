import { useTestShop } from './helpers/test-app.js';
import { openapi } from './helpers/contract.js';

type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };

/** Every route mounted on the app, as "METHOD /path/{param}" (routers are mounted without prefixes). */
function mountedRoutes(stack: Layer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
      return Object.keys(layer.route.methods)
        .filter((m) => m !== '_all')
        .map((m) => `${m.toUpperCase()} ${path}`);
    }
    return layer.handle?.stack ? mountedRoutes(layer.handle.stack) : [];
  });
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];
const contractRoutes = () =>
  Object.entries(openapi.paths).flatMap(([path, item]) =>
    Object.keys(item as object)
      .filter((m) => METHODS.includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );

const shop = useTestShop();

describe('the OpenAPI contract', () => {
  test('when the app is built, then every mounted route is in the contract and every contract route is mounted', () => {
    const mounted = new Set(mountedRoutes((shop.app as unknown as { router: { stack: Layer[] } }).router.stack).filter((r) => !/ \/(admin|docs)\b/.test(r)));
    const documented = new Set(contractRoutes());
    expect([...mounted].filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !mounted.has(r))).toEqual([]);
  });

  test('when GET /openapi.json is called, then it serves the merged contract', async () => {
    const res = await shop.request.get('/openapi.json').expect(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/api/me']));
  });

  test('when GET /docs is called, then the rendered documentation answers', async () => {
    const res = await shop.request.get('/docs/').expect(200);
    expect(res.text).toContain('swagger-ui');
  });
});
