/**
 * The layers, kept by `npm run lint` (docs/architecture.md#layer-rules):
 *   api → services → adapters → domain (+ config), the job registry (src/jobs) between services and domain;
 *   workflows import only the job contracts (src/jobs/contracts.ts) and the domain; activities are the worker's edge (they call services);
 *   app/ and worker/ compose everything and nothing imports them; no import cycles anywhere.
 */
const LAYER = {
  api: '^src/api/',
  services: '^src/services/',
  adapters: '^src/adapters/',
  domain: '^src/domain/',
  config: '^src/config/',
  jobs: '^src/jobs/',
  roots: '^src/(app|worker)/|^src/main\\.ts$',
  workflows: '^workflows/',
  activities: '^activities/',
  cli: '^src/cli/',
  console: '^src/console/',
};
const forbid = (name, from, to, comment) => ({ name, comment, severity: 'error', from: { path: from }, to: { path: to } });

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle ties modules so neither can change or be tested alone.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    forbid(
      'domain-imports-only-domain',
      LAYER.domain,
      [LAYER.api, LAYER.services, LAYER.adapters, LAYER.jobs, LAYER.roots, LAYER.workflows, LAYER.activities, LAYER.config],
      'The domain is pure: rules and types, no I/O, no configuration.',
    ),
    forbid(
      'config-imports-only-domain',
      LAYER.config,
      [LAYER.api, LAYER.services, LAYER.adapters, LAYER.jobs, LAYER.roots, LAYER.workflows, LAYER.activities],
      'Configuration is read once at the bottom.',
    ),
    forbid(
      'jobs-below-services',
      LAYER.jobs,
      [LAYER.api, LAYER.services, LAYER.adapters, LAYER.roots, LAYER.activities],
      'The job registry describes job types; it does not run them.',
    ),
    forbid(
      'adapters-below-services',
      LAYER.adapters,
      [LAYER.api, LAYER.services, LAYER.jobs + '(?!contracts\\.ts$)', LAYER.roots, LAYER.activities],
      'Adapters wrap libraries and systems; they know no service (the Temporal gateway names the job contracts it signals and queries).',
    ),
    forbid('services-below-api', LAYER.services, [LAYER.api, LAYER.roots, LAYER.activities], 'Services serve the API and the activities; they import neither.'),
    forbid(
      'api-above-services',
      LAYER.api,
      [LAYER.activities, LAYER.workflows],
      'The API calls services; it starts workflows only through the Temporal gateway.',
    ),
    forbid('activities-below-roots', LAYER.activities, [LAYER.api, LAYER.roots], 'Activities call services; the worker composes them.'),
    forbid(
      'workflows-only-contracts-and-domain',
      LAYER.workflows,
      [LAYER.api, LAYER.services, LAYER.adapters, LAYER.roots, LAYER.activities + '(?!.*\\.types\\.ts$)', LAYER.config, LAYER.jobs + '(?!contracts\\.ts$)'],
      'Workflow code must stay deterministic: it imports the job contracts (src/jobs/contracts.ts) and the pure domain only (eslint also forbids Node built-ins there).',
    ),
    forbid(
      'cli-only-http-and-domain',
      LAYER.cli,
      [LAYER.services, LAYER.adapters, LAYER.api, LAYER.roots, LAYER.workflows, LAYER.activities],
      'The ips CLI is a client of the HTTP API: it reaches the service only over HTTP and may name domain types.',
    ),
    forbid(
      'console-views-only-domain',
      LAYER.console,
      [LAYER.services, LAYER.adapters, LAYER.api, LAYER.roots, LAYER.workflows, LAYER.activities, LAYER.jobs, LAYER.cli],
      'The console views turn plain data into HTML: the API layer gathers the data through the operations and hands it to them.',
    ),
    {
      ...forbid(
        'nothing-imports-the-composition-roots',
        '^(src/(api|services|adapters|domain|config|jobs|console)|workflows|activities)/',
        LAYER.roots,
        'app/ and worker/ build everything; depending on them makes a loop through the whole program (a type such as AppContext may be named).',
      ),
      to: { path: LAYER.roots, dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|test|bench|scripts|node_modules)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
