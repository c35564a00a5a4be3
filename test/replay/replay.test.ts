/**
 * Replays every golden history in test/replay/ against today's workflow code: a change to a workflow's command
 * sequence fails here before it can break running rollovers.
 */
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { goldenHistories } from '../support/histories';
import { workflowBundle } from '../support/temporal';

const histories = goldenHistories();

beforeAll(() => {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // installed by an earlier test file
  }
});

describe('golden histories replay against the current workflow code', () => {
  it('has golden histories to replay', () => {
    expect(histories.map((h) => h.name)).toEqual(
      expect.arrayContaining(['gate-demo', 'rollover-happy-path', 'rollover-rollback']),
    );
  });

  it.each(histories.map((h) => [h.name, h.history, h.workflowId] as const))(
    '%s replays without nondeterminism',
    async (_name, history, workflowId) => {
      await Worker.runReplayHistory({ workflowBundle: workflowBundle() }, history, workflowId);
    },
  );

  it('detects a changed command sequence (a workflow that adds a timer before its first gate)', async () => {
    const changed = await bundleWorkflowCode({
      workflowsPath: require.resolve('./variants/gate-demo-reordered'),
      logger: new DefaultLogger('ERROR'),
    });
    const golden = histories.find((h) => h.name === 'gate-demo')!;
    await expect(Worker.runReplayHistory({ workflowBundle: changed }, golden.history)).rejects.toThrow(
      /[Nn]ondetermin|DeterminismViolation/,
    );
  });
});
