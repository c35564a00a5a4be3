/** A small workflow that exercises the production gate mechanism on the real dev server (test only). */
import type { Duration } from '@temporalio/common';
import { setHandler, sleep } from '@temporalio/workflow';
import { Gates, GateStatus } from '../../workflows/gates';
import { defineStatusQuery, GateRecord, STATUS_DESCRIPTION } from '../../workflows/messages';

export interface GateDemoStatus extends GateStatus {
  phase: 'first' | 'working' | 'second' | 'stopped' | 'done';
}

export const gateDemoStatus = defineStatusQuery<GateDemoStatus>();

export async function gateDemoWorkflow(input: { firstGateTimeout?: string } = {}): Promise<GateRecord[]> {
  const gates = new Gates();
  gates.install();
  let phase: GateDemoStatus['phase'] = 'first';
  setHandler(gateDemoStatus, () => ({ phase, ...gates.status() }), { description: STATUS_DESCRIPTION });

  const first = await gates.awaitDecision(
    'first',
    ['approve', 'reject'],
    input.firstGateTimeout as Duration | undefined,
    {
      question: 'go on to the second gate?',
    },
  );
  if (first.decision !== 'approve') {
    phase = 'stopped';
    return gates.log;
  }
  phase = 'working';
  await sleep('50 ms');
  phase = 'second';
  await gates.awaitDecision('second', ['approve', 'abort']);
  phase = 'done';
  return gates.log;
}
