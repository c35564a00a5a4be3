import { WorkflowUpdateFailedError } from '@temporalio/client';
import { decide } from '../../workflows/messages';
import { maybeRecordHistory } from '../support/histories';
import {
  connectTestTemporal,
  createTestWorker,
  TestTemporal,
  uniqueTaskQueue,
  updateRejection,
} from '../support/temporal';
import { gateDemoStatus, gateDemoWorkflow } from './gate-demo-workflow';

describe('approval gates on the real dev server', () => {
  let t: TestTemporal;
  beforeAll(async () => {
    t = await connectTestTemporal();
  });
  afterAll(async () => {
    await t?.close();
  });

  async function startDemo(taskQueue: string, input = {}) {
    return t.client.workflow.start(gateDemoWorkflow, {
      taskQueue,
      workflowId: `gate-demo-${taskQueue}`,
      args: [input],
    });
  }

  async function waitForOpenGate(handle: Awaited<ReturnType<typeof startDemo>>, gate: string) {
    for (let i = 0; i < 100; i++) {
      const s = await handle.query(gateDemoStatus);
      if (s.open?.gate === gate) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`gate ${gate} never opened`);
  }

  it('rejects a decision for a gate that is not open and records nothing; the right gate moves on', async () => {
    const taskQueue = uniqueTaskQueue('gates');
    const worker = await createTestWorker(t, { taskQueue });
    await worker.runUntil(async () => {
      const handle = await startDemo(taskQueue);
      const before = await waitForOpenGate(handle, 'first');
      expect(before.open).toMatchObject({ gate: 'first', allowed: ['approve', 'reject'] });
      expect(JSON.parse(before.open!.example)).toEqual({ gate: 'first', decision: 'approve', by: 'your-name' });

      expect(
        await updateRejection(
          handle.executeUpdate(decide, { args: [{ gate: 'second', decision: 'approve', by: 'alice' }] }),
        ),
      ).toMatch(/gate "second" is not open; the open gate is "first"/);
      expect(
        await updateRejection(
          handle.executeUpdate(decide, { args: [{ gate: 'first', decision: 'approve', by: '  ' }] }),
        ),
      ).toMatch(/"by" is required/);
      expect(
        await updateRejection(
          handle.executeUpdate(decide, { args: [{ gate: 'first', decision: 'rollback', by: 'alice' }] }),
        ),
      ).toMatch(/accepts approve \| reject/);
      const afterRejections = await handle.query(gateDemoStatus);
      expect(afterRejections.log).toEqual([]);
      expect(afterRejections.open?.gate).toBe('first');

      const record = await handle.executeUpdate(decide, {
        args: [{ gate: 'first', decision: 'approve', by: 'alice', comment: 'plan looks right' }],
      });
      expect(record).toMatchObject({ gate: 'first', decision: 'approve', by: 'alice', comment: 'plan looks right' });
      expect(Date.parse(record.at)).not.toBeNaN();

      const second = await waitForOpenGate(handle, 'second');
      expect(second.phase).toBe('second');
      expect(second.log).toHaveLength(1);
      await handle.executeUpdate(decide, { args: [{ gate: 'second', decision: 'abort', by: 'bob' }] });
      const log = await handle.result();
      expect(log.map((r) => `${r.gate}:${r.decision}:${r.by}`)).toEqual(['first:approve:alice', 'second:abort:bob']);

      // No rejected Update left a trace in history: exactly two accepted Updates.
      const history = await handle.fetchHistory();
      const accepted = history.events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes) ?? [];
      expect(accepted).toHaveLength(2);
      await maybeRecordHistory(handle, 'gate-demo');
    });
  });

  it('fails closed when nobody decides before the timeout', async () => {
    const taskQueue = uniqueTaskQueue('gates-timeout');
    const worker = await createTestWorker(t, { taskQueue });
    const log = await worker.runUntil(async () => {
      const handle = await startDemo(taskQueue, { firstGateTimeout: '1 second' });
      return handle.result();
    });
    expect(log).toEqual([expect.objectContaining({ gate: 'first', decision: 'timeout', by: 'certroll' })]);
  });

  it('refuses a payload that is not one object', async () => {
    const taskQueue = uniqueTaskQueue('gates-shape');
    const worker = await createTestWorker(t, { taskQueue });
    await worker.runUntil(async () => {
      const handle = await startDemo(taskQueue);
      await waitForOpenGate(handle, 'first');
      const err = await handle.executeUpdate(decide, { args: ['approve' as never] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      expect(String((err as Error).cause)).toMatch(/one JSON object/);
      await handle.terminate('test done');
    });
  });
});
