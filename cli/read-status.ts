/** The status of a rollover, running or finished, for `certroll status` and `watch`. */
import type { Client } from '@temporalio/client';
import { rolloverStatus } from '../workflows/rollover';
import type { RolloverResult, RolloverStatus } from '../workflows/rollover-types';
import { normaliseWorkflowId } from './temporal-client';

/**
 * Running: the status query. Completed: the result. Cancelled, failed or terminated: the query again — Temporal
 * answers it for a closed run by replaying its history on a worker, which is how a cancel-means-rollback run
 * shows what it undid.
 */
export async function readStatus(client: Client, id: string): Promise<RolloverStatus> {
  const handle = client.workflow.getHandle(normaliseWorkflowId(id));
  const desc = await handle.describe();
  if (desc.status.name === 'COMPLETED') return ((await handle.result()) as RolloverResult).status;
  if (desc.status.name === 'RUNNING') return handle.query(rolloverStatus);
  try {
    return await handle.query(rolloverStatus);
  } catch (err) {
    throw new Error(
      `workflow ${desc.workflowId} is ${desc.status.name}; its final status is read by a worker (is \`certroll worker\` running?): ${(err as Error).message}`,
    );
  }
}
