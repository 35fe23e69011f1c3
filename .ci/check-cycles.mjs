// `npm run check:cycles`: fails on an import cycle, between files (madge's own check) or between
// domains (src/<domain>/ folders, admin/, prisma/). A cycle between domains is as tangling as one
// between files, but madge sees none when, say, orders/a.ts imports payments/b.ts which imports
// orders/c.ts. Type-only imports count: they tie modules together just the same.
import madge from 'madge';

const roots = ['src', 'admin', 'prisma'];
const graph = (await madge(roots, { fileExtensions: ['ts', 'tsx'], tsConfig: 'tsconfig.json', excludeRegExp: [/\.d\.ts$/, /^prisma\/migrations\//] })).obj();

/** src/orders/x.ts -> src/orders; admin/resources/y.ts -> admin; src/app.ts -> src/app.ts (the top) */
const domainOf = (file) => {
  const parts = file.split('/');
  return parts[0] === 'src' && parts.length > 2 ? `src/${parts[1]}` : parts.length > 1 && parts[0] !== 'src' ? parts[0] : file;
};

function cycles(edges) {
  const found = [];
  const state = new Map(); // undefined: unseen, 1: on the current path, 2: done
  const path = [];
  const visit = (node) => {
    state.set(node, 1);
    path.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 1) found.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 2);
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return found;
}

const fileEdges = new Map(Object.entries(graph));
const domainEdges = new Map();
for (const [file, imports] of fileEdges) {
  const from = domainOf(file);
  for (const to of imports.map(domainOf)) {
    if (to === from) continue;
    if (!domainEdges.has(from)) domainEdges.set(from, new Set());
    domainEdges.get(from).add(to);
  }
}

const found = [...cycles(fileEdges).map((c) => `files:   ${c.join(' -> ')}`), ...cycles(domainEdges).map((c) => `domains: ${c.join(' -> ')}`)];
if (found.length) {
  console.error(`Import cycles (${found.length}); break each by moving the shared piece down or passing it in from the composition root:\n${found.join('\n')}`);
  process.exit(1);
}
console.log(`No import cycles among ${fileEdges.size} files in ${roots.join(', ')}.`);
