// ESLint flat config (ESLint 9 + typescript-eslint). Run with `npm run lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Node's globals, listed here rather than pulled from the `globals` package, which is only a
// transitive dependency of ESLint and so not guaranteed to be installed at the top level.
const nodeGlobals = Object.fromEntries(
  [
    'AbortController', 'AbortSignal', 'Blob', 'Buffer', 'BroadcastChannel', 'CompressionStream',
    'DecompressionStream', 'Event', 'EventTarget', 'File', 'FormData', 'Headers', 'MessageChannel',
    'Request', 'Response', 'TextDecoder', 'TextEncoder', 'URL', 'URLSearchParams', 'WebAssembly',
    'atob', 'btoa', 'clearImmediate', 'clearInterval', 'clearTimeout', 'console', 'crypto', 'fetch',
    'global', 'globalThis', 'performance', 'process', 'queueMicrotask', 'setImmediate',
    'setInterval', 'setTimeout', 'structuredClone',
  ].map((name) => [name, 'readonly']),
);
const commonJsGlobals = {
  require: 'readonly', module: 'writable', exports: 'writable', __dirname: 'readonly', __filename: 'readonly',
};

export default tseslint.config(
  {
    ignores: [
      'dist/', 'node_modules/', 'data/', 'uploads/', 'coverage/', 'views/', 'node_modules/@uswds/',
      'test-results/',
    ],
  },
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js', '**/*.cjs'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    rules: {
      // Express needs the four-argument error handler signature, and callbacks often ignore leading args.
      '@typescript-eslint/no-unused-vars': ['error', {
        args: 'after-used',
        argsIgnorePattern: '^_',
        varsIgnorePattern: '^_',
        caughtErrorsIgnorePattern: '^_',
        destructuredArrayIgnorePattern: '^_',
      }],
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: nodeGlobals },
    // typescript-eslint turns no-undef off (tsc checks names in .ts); plain JavaScript has no such check.
    rules: { 'no-undef': 'error' },
  },
  {
    // package.json has no "type": "module", so plain .js files (bin/*.js, tool configs) are CommonJS.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...nodeGlobals, ...commonJsGlobals } },
    rules: { 'no-undef': 'error', '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Migrations are frozen in time and typed against Kysely<any> on purpose (they never import app types).
    files: ['migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
