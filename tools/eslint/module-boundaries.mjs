// Enforces the workspace's module boundaries from the Nx tags in each package.json:
// apps depend only on libs, downstream services only on shared libs (so they can reach
// auth only through @hybrid-auth/auth-guard), and projects import each other only through
// a package's public entry points, never by relative path or deep import.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** Which tags a project with a given tag may depend on. */
const CONSTRAINTS = [
  { tag: 'type:app', allowed: ['type:lib'] },
  { tag: 'type:lib', allowed: ['type:lib'] },
  { tag: 'scope:downstream', allowed: ['scope:shared'] },
  { tag: 'scope:auth', allowed: ['scope:shared'] },
  { tag: 'scope:shared', allowed: ['scope:shared'] },
  { tag: 'scope:tooling', allowed: ['scope:shared'] },
  // The account page is static files: it reaches the services over HTTP only.
  { tag: 'scope:web', allowed: [] },
];

function loadProjects() {
  const projects = [];
  for (const dir of ['apps', 'libs', 'bench', 'e2e', 'examples']) {
    const base = path.join(root, dir);
    if (!fs.existsSync(base)) continue;
    const candidates = fs.existsSync(path.join(base, 'package.json'))
      ? [base]
      : fs.readdirSync(base).map((name) => path.join(base, name));
    for (const projectRoot of candidates) {
      const manifest = path.join(projectRoot, 'package.json');
      if (!fs.existsSync(manifest)) continue;
      const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'));
      projects.push({ root: projectRoot, name: pkg.name, tags: pkg.nx?.tags ?? [] });
    }
  }
  return projects;
}

let cache;
const projects = () => (cache ??= loadProjects());

function projectOf(file) {
  return projects().find((p) => file === p.root || file.startsWith(p.root + path.sep));
}

function violations(source, target) {
  return CONSTRAINTS.filter(
    ({ tag, allowed }) =>
      source.tags.includes(tag) && !target.tags.some((t) => allowed.includes(t)),
  ).map(
    ({ tag, allowed }) =>
      `a project tagged "${tag}" may only depend on ${allowed.join(', ') || 'nothing'}`,
  );
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Keep apps and libs within their Nx-tagged boundaries' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const source = projectOf(file);
    if (!source) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.')) {
        const resolved = path.resolve(path.dirname(file), spec);
        if (!resolved.startsWith(source.root + path.sep)) {
          context.report({
            node,
            message: `Relative import "${spec}" leaves ${source.name}: import the package instead`,
          });
        }
        return;
      }
      const match = /^(@hybrid-auth\/[^/]+)(\/.*)?$/.exec(spec);
      if (!match) return;
      const target = projects().find((p) => p.name === match[1]);
      if (!target) return;
      if (match[2] && match[2] !== '/testing') {
        context.report({ node, message: `Deep import "${spec}": use the package's entry point` });
      }
      // Tests, a lib's own ./testing entry (test helpers built on another lib's), and test
      // tooling (the bench mints tokens for its load runs) may.
      if (
        match[2] === '/testing' &&
        !source.tags.includes('type:tooling') &&
        !/\.(spec|e2e-spec)\.ts$|\/test\/|\/src\/testing\//.test(file)
      ) {
        context.report({ node, message: `"${spec}" is for tests only` });
      }
      const problems = target !== source ? violations(source, target) : [];
      for (const problem of problems)
        context.report({ node, message: `${source.name} → ${target.name}: ${problem}` });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
      CallExpression: (node) => {
        if (
          node.callee.type === 'Identifier' &&
          node.callee.name === 'require' &&
          node.arguments[0]?.type === 'Literal'
        ) {
          check(node, node.arguments[0].value);
        }
      },
    };
  },
};
