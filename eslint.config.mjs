// ESLint (flat config): the recommended JavaScript and TypeScript rules everywhere, the type-aware
// promise rules that catch a forgotten await, and in workflow code the limits of Temporal's
// deterministic sandbox (as Temporal's TypeScript samples lint it).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Node built-ins, bare and with the node: prefix: the workflow sandbox has none of them. */
const NODE_BUILTINS = builtinModules.flatMap((name) => [name, `node:${name}`]);

/** Globals that do not exist in the workflow sandbox or would make a replay diverge. */
const NON_DETERMINISTIC_GLOBALS = [
  'process', 'Buffer', 'require', '__dirname', '__filename', 'global', 'setImmediate', 'clearImmediate',
  'queueMicrotask', 'fetch', 'WeakRef', 'FinalizationRegistry', 'performance', 'crypto', 'SharedArrayBuffer', 'Atomics',
].map((name) => ({ name, message: `workflow code runs in Temporal's deterministic sandbox: no ${name}` }));

export default tseslint.config(
  { ignores: ['node_modules/', '**/fixtures/', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // A variable that a callback reads before its one assignment cannot be const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', ...NON_DETERMINISTIC_GLOBALS],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...NODE_BUILTINS.map((name) => ({ name, message: 'workflow code runs in a sandbox without Node built-ins' })),
            ...['@temporalio/activity', '@temporalio/client', '@temporalio/worker', '@temporalio/testing'].map((name) => ({
              name,
              message: 'workflow code may import only @temporalio/workflow and @temporalio/common',
            })),
          ],
          patterns: [
            {
              // Relative to src/workflows/: everything but the contract and the pure helpers in
              // shared/ runs outside the sandbox.
              group: ['../*', '!../contract', '!../contract/*', '!../shared', '!../shared/*'],
              allowTypeImports: true,
              message: 'workflow code may import these for types only (activities run in the worker, not the sandbox)',
            },
          ],
        },
      ],
    },
  },
);
