/** The gate demo with one extra timer before its first gate: a changed command sequence that replay must catch. */
import { sleep } from '@temporalio/workflow';
import { gateDemoWorkflow as original } from '../../workflows/gate-demo-workflow';

export async function gateDemoWorkflow(input: { firstGateTimeout?: string } = {}) {
  await sleep('1 second');
  return original(input);
}
