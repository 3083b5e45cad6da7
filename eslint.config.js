import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'fs',
  'path',
  'os',
  'crypto',
  'child_process',
  'http',
  'https',
  'net',
  'stream',
  'url',
  'util',
  'worker_threads',
  'zlib',
  'dns',
  'events',
  'process',
  'buffer',
  'timers',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.venv/**', 'data/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins,
    // no native image libraries, no database drivers, even transitively.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.flatMap((m) => [m, `node:${m}`]),
            'sharp',
            'ghostscript4js',
            'better-sqlite3',
            'pg',
            'kysely',
            'pino',
            'ag-psd',
            'file-type',
            '@temporalio/activity',
            '@temporalio/client',
            '@temporalio/worker',
          ].map((name) => ({
            name,
            message: 'Workflows must stay deterministic: call an activity instead.',
          })),
          patterns: [
            {
              group: ['**/adapters/**', '**/services/**', '**/activities/**', '**/app/**'],
              message: 'Workflows may import only contracts and pure domain types.',
            },
            { group: ['node:*'], message: 'No Node built-ins in workflows.' },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
