/**
 * Starting a rollover the one way certroll does it, from the CLI or from the expiry watch: workflow ID
 * rollover/<asa>/<gateway>, search attributes, static summary/details for the Web UI.
 */
import { getClient } from '@temporalio/activity';
import type { Client, WorkflowStartOptions } from '@temporalio/client';
import { rolloverWorkflow } from '../workflows/rollover';
import { RolloverInput, rolloverWorkflowId } from '../workflows/rollover-types';
import { CertrollAsa, CertrollGateway, CertrollPhase } from '../workflows/search-attributes';

export function rolloverStartOptions(
  input: RolloverInput,
  taskQueue: string,
  conflictPolicy: 'FAIL' | 'USE_EXISTING',
  details: { phonesInScope?: number; reason?: string } = {},
): WorkflowStartOptions<typeof rolloverWorkflow> {
  const o = input.options ?? {};
  const staticDetails = [
    `**ASA:** ${input.asa} · **CUCM cluster:** ${input.cluster} · **VPN gateway:** ${input.gateway}`,
    '',
    `**Certificate mode:** ${o.certificateMode ?? 'self-signed'}${o.subjectName ? ` · **subject:** \`${o.subjectName}\`` : ''}${o.dryRun ? ' · **dry run**' : ''}`,
    '',
    `**Phones in scope:** ${details.phonesInScope ?? 'counted in the plan phase (see current details)'}`,
    ...(details.reason ? ['', `**Started because:** ${details.reason}`] : []),
  ].join('\n');
  return {
    workflowId: rolloverWorkflowId(input.asa, input.gateway),
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: conflictPolicy,
    typedSearchAttributes: [
      { key: CertrollAsa, value: input.asa },
      { key: CertrollGateway, value: input.gateway },
      { key: CertrollPhase, value: 'plan' },
    ],
    staticSummary: `Certificate rollover ${input.asa} → gateway ${input.gateway}${o.dryRun ? ' (dry run)' : ''}`,
    staticDetails,
  };
}

/** Start (or find) the rollover for a gateway. `started` is false when one was already running. */
export async function ensureRollover(
  client: Client,
  input: RolloverInput,
  taskQueue: string,
  reason: string,
): Promise<{ workflowId: string; started: boolean }> {
  const workflowId = rolloverWorkflowId(input.asa, input.gateway);
  try {
    const existing = await client.workflow.getHandle(workflowId).describe();
    if (existing.status.name === 'RUNNING') return { workflowId, started: false };
  } catch {
    // not found: start it
  }
  // USE_EXISTING: should another starter win the race, we attach to its rollover instead of failing or doubling.
  await client.workflow.start(rolloverWorkflow, rolloverStartOptions(input, taskQueue, 'USE_EXISTING', { reason }));
  return { workflowId, started: true };
}

export function createRolloverStartActivities() {
  return {
    /** The expiry watch's way to start a rollover that then waits at its plan gate. */
    async startRollover(i: { input: RolloverInput; taskQueue: string; reason: string }) {
      return ensureRollover(getClient(), i.input, i.taskQueue, i.reason);
    },
  };
}

export type RolloverStartActivities = ReturnType<typeof createRolloverStartActivities>;
