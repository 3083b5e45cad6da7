import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { JOB_TYPES } from '../../src/jobs/job-registry.js';
import * as workflows from '../../workflows/index.js';
import { workflowBundle } from './support/environment.js';

type History = temporal.api.history.v1.IHistory;

/** Recorded by scripts/record-histories.test.ts from real runs; docs/workflow-replay.md says when to record. */
const HISTORIES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'histories');

interface Fixture {
  file: string;
  workflowId: string;
  history: History;
  workflowType: string;
  /** the job element in the run's memo (what submitJob or the upload servlet started); none for internal children */
  element?: string;
}

/**
 * proto3 JSON → History, with the codec of the protobufjs copy
 * @temporalio/proto itself uses. The SDK's historyFromJSON (which
 * Worker.runReplayHistories calls on a JSON history) throws "type must be a
 * Type" in this install: npm gave each @temporalio package its own
 * protobufjs 8, and that codec checks `instanceof` against its own copy.
 * A decoded History is replayed as it is.
 */
function historyFromJson(json: unknown): History {
  const require = createRequire(import.meta.url);
  const root = require('@temporalio/proto') as { lookupType(name: string): unknown };
  const { fromJson } = createRequire(require.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as {
    fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): History | null;
  };
  // Unknown fields are a newer server's: ignored, as the SDK's own reader does.
  const history = fromJson(root.lookupType('temporal.api.history.v1.History'), json, { ignoreUnknownFields: true });
  if (!history) throw new Error('not a history');
  return history;
}

function loadFixtures(): Fixture[] {
  return readdirSync(HISTORIES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const { workflowId, history: json } = JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8')) as { workflowId: string; history: unknown };
      const history = historyFromJson(json);
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      if (!started?.workflowType?.name) throw new Error(`${file}: the first event is not the workflow's start`);
      const element = started.memo?.fields?.element;
      return {
        file,
        workflowId,
        history,
        workflowType: started.workflowType.name,
        ...(element ? { element: defaultPayloadConverter.fromPayload<string>(element) } : {}),
      };
    });
}

/** Replays `fixtures` on one replay worker over the current workflow bundle; "file: error" for each that fails. */
async function replay(fixtures: Fixture[]): Promise<string[]> {
  const failures: string[] = [];
  let i = 0;
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: workflowBundle(), replayName: 'recorded-histories' },
    fixtures.map(({ workflowId, history }) => ({ workflowId, history })),
  )) {
    // Results come in the order the histories went in.
    if (result.error) failures.push(`${fixtures[i]!.file}: ${result.error.name}: ${result.error.message}`);
    i += 1;
  }
  expect(i, 'a result for every history').toBe(fixtures.length);
  return failures;
}

/**
 * Running jobs survive a deployment only if the new workflow code makes the
 * same decisions their histories recorded. Every history recorded from a real
 * run is replayed against the current code: a change that would break a
 * running job (an activity added, removed or reordered, a timer or child
 * changed without `patched()`) fails here, before it is deployed.
 */
describe('recorded workflow histories replay on the current workflow code', () => {
  let fixtures: Fixture[];

  beforeAll(() => {
    // Errors only: each replay worker logs its state changes at INFO, and the core warns of the
    // nondeterminism the last test provokes; failed replays are asserted, not read from the log.
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } } });
    fixtures = loadFixtures();
  });

  it('replays every recorded history without a determinism violation or any other error', async () => {
    expect(await replay(fixtures)).toEqual([]);
  });

  it('has a recorded history of every job type the registry starts (element and workflow)', () => {
    const recorded = new Set(fixtures.map((f) => `${f.element} → ${f.workflowType}`));
    const missing = JOB_TYPES.map((j) => `${j.element} → ${j.workflow}`).filter((t) => !recorded.has(t));
    expect(missing, 'record them: docs/workflow-replay.md').toEqual([]);
  });

  it('has a recorded history of every workflow the bundle exports (child workflows included)', () => {
    const recorded = new Set(fixtures.map((f) => f.workflowType));
    const exported = Object.entries(workflows)
      .filter(([, fn]) => typeof fn === 'function')
      .map(([name]) => name);
    expect(
      exported.filter((name) => !recorded.has(name)),
      'record them: docs/workflow-replay.md',
    ).toEqual([]);
  });

  it('fails a history whose recorded decisions the code does not make (the replay is live)', async () => {
    // The first scheduled activity renamed: the code schedules another one there, as a reordered workflow would.
    const original = fixtures.find((f) => f.file === 'reprocessAssetsWorkflow-callback.json')!;
    const history = historyFromJson(JSON.parse(readFileSync(path.join(HISTORIES, original.file), 'utf8')).history);
    const scheduled = history.events!.find((e) => e.activityTaskScheduledEventAttributes)!.activityTaskScheduledEventAttributes!;
    scheduled.activityType = { name: 'anActivityTheCodeNeverCalls' };
    const [failure] = await replay([{ ...original, history }]);
    expect(failure).toMatch(/^reprocessAssetsWorkflow-callback\.json: DeterminismViolationError: .*anActivityTheCodeNeverCalls/);
  });
});
