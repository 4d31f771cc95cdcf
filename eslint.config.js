// ESLint flat config. The `orchestrations/` block is what keeps durable orchestrations
// replay-safe: their code re-runs on every replay, so anything that reads the clock, randomness,
// the environment or the outside world would make a replay take a different path.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const NONDETERMINISTIC_IMPORTS = [
  'fs', 'fs/promises', 'http', 'https', 'http2', 'net', 'dgram', 'dns', 'tls', 'child_process',
  'cluster', 'worker_threads', 'os', 'crypto', 'timers', 'timers/promises', 'readline', 'process',
];

export const determinismRules = {
  'no-restricted-syntax': [
    'error',
    {
      selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
      message: 'Date.now() differs on replay; use context.df.currentUtcDateTime.',
    },
    {
      selector: "NewExpression[callee.name='Date'][arguments.length=0]",
      message: 'new Date() reads the clock and differs on replay; use context.df.currentUtcDateTime.',
    },
    {
      selector: "MemberExpression[object.name='Math'][property.name='random']",
      message: 'Math.random() differs on replay; use context.df.newGuid() for ids or pass randomness in as input.',
    },
    {
      selector: "MemberExpression[object.name='process'][property.name='env']",
      message: 'process.env is configuration read at replay time; pass configuration as input or read it in an activity.',
    },
    {
      selector: "MemberExpression[object.name='crypto'][property.name=/^(randomUUID|getRandomValues)$/]",
      message: 'random ids differ on replay; use context.df.newGuid().',
    },
  ],
  'no-restricted-globals': [
    'error',
    ...['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'fetch', 'XMLHttpRequest', 'WebSocket'].map((name) => ({
      name,
      message: `${name} is I/O or a real timer; use context.df.createTimer or an activity.`,
    })),
  ],
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      paths: NONDETERMINISTIC_IMPORTS.flatMap((name) => [name, `node:${name}`]).map((name) => ({
        name,
        message: 'orchestrations do no I/O; call an activity instead.',
      })),
      patterns: [
        {
          group: ['@azure/*', '!@azure/functions', 'axios', 'node-fetch', 'undici'],
          message: 'Azure SDKs and HTTP clients belong in activities (lib/steps), not orchestrations.',
        },
        {
          regex: '^(\\.\\./)+lib/(?!incidents/contract\\.js$)',
          allowTypeImports: true,
          // lib/incidents/contract.ts is pure (the command event, what a recovery is): shared at run time.
          message: 'orchestrations may import types from lib, not code that could do I/O; use `import type`.',
        },
      ],
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.local/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['orchestrations/**/*.ts'],
    rules: determinismRules,
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
