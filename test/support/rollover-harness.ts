/**
 * Rollover tests on the real dev server against the lab: a lab with unique inventory names (so task queues never
 * meet between tests), the certroll workers for its inventory, and helpers to wait at and decide gates.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { rolloverStartOptions } from '../../activities/rollover-start';
import { Lab, LabOptions, startLab } from '../../lab';
import { createCertrollWorkers, CertrollWorkers } from '../../worker/workers';
import { resolveSecret } from '../../worker/secrets';
import { decide, GateDecisionKind, GateRecord } from '../../workflows/messages';
import { rolloverStatus, rolloverWorkflow } from '../../workflows/rollover';
import type { RolloverInput, RolloverStatus } from '../../workflows/rollover-types';
import { TestTemporal, workflowBundle } from './temporal';

export const FAST_OPTIONS: NonNullable<RolloverInput['options']> = {
  waveSize: 50,
  batchSize: 25,
  registrationTimeout: '40 seconds',
  registrationPollInterval: '2 seconds',
  configVerifyTimeout: '30 seconds',
  planSampleSize: 5,
  soak: '1 second',
  switchSettle: '2 seconds',
};

export interface RolloverRig {
  lab: Lab;
  workers: CertrollWorkers;
  taskQueue: string;
  input: RolloverInput;
  start(): Promise<WorkflowHandle<typeof rolloverWorkflow>>;
  close(): Promise<void>;
}

export async function rolloverRig(
  t: TestTemporal,
  labOptions: LabOptions = {},
  options: RolloverInput['options'] = {},
): Promise<RolloverRig> {
  const id = randomUUID().slice(0, 6);
  const lab = await startLab({ names: { asa: `asa-${id}`, cluster: `cl-${id}`, gateway: `GW-${id}` }, ...labOptions });
  const taskQueue = `certroll-test-${id}`;
  const workers = await createCertrollWorkers({
    connection: t.nativeConnection,
    namespace: t.namespace,
    inventory: lab.inventory,
    resolveSecret: (ref) => resolveSecret(ref),
    taskQueue,
    workflowBundle: workflowBundle(),
  });
  const input: RolloverInput = {
    asa: lab.names.asa,
    cluster: lab.names.cluster,
    gateway: lab.names.gateway,
    options: { ...FAST_OPTIONS, ...options, gates: { ...(options.gates ?? {}) } },
  };
  return {
    lab,
    workers,
    taskQueue,
    input,
    start: () => t.client.workflow.start(rolloverWorkflow, rolloverStartOptions(input, taskQueue, 'FAIL')),
    async close() {
      workers.shutdown();
      await lab.close();
    },
  };
}

/** Poll the status query until `gate` is open (or the workflow ends, which fails the wait). */
export async function waitForGate(handle: WorkflowHandle, gate: string, timeoutMs = 120_000): Promise<RolloverStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: RolloverStatus | undefined;
  while (Date.now() < deadline) {
    last = await handle.query(rolloverStatus);
    if (last.gate?.gate === gate) return last;
    if (last.outcome) throw new Error(`workflow ended (${last.outcome}) before gate ${gate}: ${last.lastError ?? ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `gate ${gate} did not open in ${timeoutMs} ms; last status: ${JSON.stringify({ phase: last?.phase, gate: last?.gate?.gate, lastError: last?.lastError })}`,
  );
}

/** The markdown the Web UI shows as the workflow's current details (the SDK's built-in metadata query). */
export async function currentDetails(handle: WorkflowHandle): Promise<string> {
  const metadata = await handle.query<{ currentDetails?: string | null }>('__temporal_workflow_metadata');
  return metadata.currentDetails ?? '';
}

export async function decideGate(
  handle: WorkflowHandle,
  gate: string,
  decision: GateDecisionKind = 'approve',
  extra: { pem?: string; comment?: string } = {},
  timeoutMs?: number,
): Promise<GateRecord> {
  await waitForGate(handle, gate, timeoutMs);
  return handle.executeUpdate(decide, { args: [{ gate, decision, by: 'jest', ...extra }] });
}
