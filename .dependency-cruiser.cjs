// Which folder of server/ may import which (docs/architecture.md). Checked by `npm run lint`:
//   depcruise server --config .dependency-cruiser.cjs
// Type-only imports count too (tsPreCompilationDeps): a type is a dependency like any other.

const CORE = '^server/(?:(?:config|logger|paths|secrets|deps)[.]ts$|(?:db|http|access|audit|notifications)/)';
const ROOT = '^server/(?:(?:app|main|worker|bootstrap)[.]ts$|(?:cli|seed|jobs|home|ops)/)';

// Features from the bottom up; a feature may import only the tiers below its own.
const TIERS = [
  ['accounts', 'proceedings'],
  ['documents', 'receipts'],
  ['submissions'],
  ['review'],
  ['exports'],
];
const folders = (names) => `^server/(?:${names.join('|')})/`;

/** One rule per tier: nothing in it imports a feature of its own tier (but its own folder) or above. */
const tierRules = TIERS.map((tier, i) => ({
  name: `tier-${tier.join('-')}`,
  comment: `${tier.join(', ')} may import the core and ${i === 0 ? 'no feature' : TIERS.slice(0, i).flat().join(', ')}; never a feature beside or above it.`,
  severity: 'error',
  from: { path: `^server/(${tier.join('|')})/` },
  to: { path: folders(TIERS.slice(i).flat()), pathNot: '^server/$1/' },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles anywhere in server/, within a folder or between folders.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-no-feature',
      comment: 'The core (config, db, http, access, audit, notifications, deps) never imports a feature or the composition root.',
      severity: 'error',
      from: { path: CORE },
      to: { path: '^server/', pathNot: CORE },
    },
    {
      name: 'nothing-imports-the-composition-root',
      comment: 'app.ts, main.ts, worker.ts, bootstrap.ts, cli/, seed/, jobs/, home/ and ops/ assemble the features; nothing below imports them.',
      severity: 'error',
      from: { path: '^server/', pathNot: ROOT },
      to: { path: ROOT },
    },
    ...tierRules,
    {
      name: 'routers-are-mounted-not-imported',
      comment: 'Only app.ts (or the same folder) imports a *.api.ts or *.pages.ts: shared page or API code lives in a module of its own.',
      severity: 'error',
      from: { path: '^server/([^/]+)/' },
      to: { path: '[.](?:api|pages)[.]ts$', pathNot: '^server/$1/' },
    },
    {
      name: 'server-is-known',
      comment: 'Every folder of server/ must be placed in the order above (core, a feature tier or the composition root).',
      severity: 'error',
      from: { path: '^server/' },
      to: { path: '^server/', pathNot: [CORE, ROOT, folders(TIERS.flat())] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^(?:server|migrations)/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    reporterOptions: {
      dot: { collapsePattern: '^server/[^/]+/' },
    },
  },
};
