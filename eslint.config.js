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
    // A file past 500 lines holds more than one concern: split it (docs/architecture.md#layer-rules).
    files: ['src/**/*.ts', 'src/**/*.tsx', 'workflows/**/*.ts', 'activities/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['src/domain/soap/xsd-*.ts'],
    rules: { 'max-lines': ['error', { max: 500 }] },
  },
  {
    // Services reach stored bytes through the storage driver and local files through Scratch,
    // so another storage backend changes nothing here; repositories come from the composition
    // root or, inside a job item's transaction, from the unit of work (docs/architecture.md).
    files: ['src/services/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['fs', 'node:fs', 'fs/promises', 'node:fs/promises'].map((name) => ({
            name,
            message: 'Services do no file I/O: use the StorageDriver, Scratch or another adapter.',
          })),
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'NewExpression[callee.name=/Repository$/]',
          message: 'Services never build a repository: take it as a dependency, or use the UnitOfWork repositories inside recordItem.',
        },
      ],
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
