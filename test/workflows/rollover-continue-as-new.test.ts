/**
 * Continue-as-new: on a dev server that suggests it early (25 events), the rollover carries its state into a new run
 * between waves and finishes as if nothing happened — gate log, coverage and artifacts intact.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { rolloverStartOptions } from '../../activities/rollover-start';
import { DevServer, startDevServer } from '../../cli/temporal-dev-server';
import { startLab } from '../../lab';
import { resolveSecret } from '../../worker/secrets';
import { createCertrollWorkers } from '../../worker/workers';
import { rolloverWorkflow } from '../../workflows/rollover';
import type { RolloverInput, RolloverResult } from '../../workflows/rollover-types';
import { decideGate, FAST_OPTIONS } from '../support/rollover-harness';
import { workflowBundle } from '../support/temporal';

describe('rollover continue-as-new', () => {
  let server: DevServer;
  beforeAll(async () => {
    server = await startDevServer({
      extraArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=25'],
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('continues as new between waves when Temporal suggests it, and completes with its state intact', async () => {
    const id = randomUUID().slice(0, 6);
    // Phones that take 20 s to boot keep each wave polling RisPort well past 25 events (a wave that never continued
    // as new ended at about 40), so every wave continues as new at least once.
    const lab = await startLab({
      phones: 20,
      fleet: { bootDelayMs: 20_000 },
      names: { asa: `asa-${id}`, cluster: `cl-${id}`, gateway: `GW-${id}` },
    });
    const native = await NativeConnection.connect({ address: server.address });
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace: server.namespace });
    try {
      const workers = await createCertrollWorkers({
        connection: native,
        namespace: server.namespace,
        inventory: lab.inventory,
        resolveSecret: (ref) => resolveSecret(ref),
        taskQueue: `can-${id}`,
        workflowBundle: workflowBundle(),
      });
      const input: RolloverInput = {
        ...lab.names,
        options: { ...FAST_OPTIONS, waveSize: 10, gates: { plan: 'auto', push: 'auto', switch: 'auto' } },
      };
      const { result, runs, waveRuns } = await workers.runUntil(async () => {
        const handle = await client.workflow.start(rolloverWorkflow, rolloverStartOptions(input, `can-${id}`, 'FAIL'));
        await decideGate(handle, 'cleanup', 'reject', {}, 300_000);
        const r = (await handle.result()) as RolloverResult;
        const runIds: string[] = [];
        for await (const w of client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` }))
          runIds.push(w.runId);
        // Each wave's runs, read from history (strongly consistent): a run that continued as new ends with
        // WorkflowExecutionContinuedAsNew, and its successor names it in continuedExecutionRunId.
        const waveRuns = new Map<string, string[]>();
        const waves = `WorkflowType = 'rolloutWaveWorkflow' AND RootWorkflowId = '${handle.workflowId}'`;
        for await (const w of client.workflow.list({ query: waves })) {
          const events = (await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory()).events ?? [];
          const ending = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes ? 'continued' : 'ended';
          waveRuns.set(w.workflowId, [...(waveRuns.get(w.workflowId) ?? []), `${events.length} events, ${ending}`]);
        }
        return { result: r, runs: runIds, waveRuns };
      });
      expect(runs.length).toBeGreaterThan(1);
      // The wave children continued as new too (while polling re-registration), and their counts still add up.
      const described = Object.fromEntries(waveRuns);
      const continued = [...waveRuns.values()].map((runs) => runs.some((r) => r.endsWith('continued')));
      expect({ described, continued }).toEqual({ described, continued: [true, true] });
      expect(result.outcome).toBe('kept-old-certificate');
      expect(result.status.coverage).toMatchObject({
        inScope: 20,
        applied: 20,
        registered: 20,
        failed: 0,
        wavesDone: 2,
        wavesTotal: 2,
      });
      expect(result.status.gateLog.map((g) => g.gate)).toEqual(['plan', 'push', 'switch', 'cleanup']);
      expect(result.status.phases.filter((p) => p.status === 'done').map((p) => p.name)).toEqual([
        'plan',
        'trustpoint',
        'export',
        'trust-import',
        'gateway',
        'rollout',
        'switch',
        'soak',
      ]);
    } finally {
      await lab.close();
      await connection.close();
      await native.close().catch(() => undefined);
    }
  }, 300_000);
});
