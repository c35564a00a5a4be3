/**
 * Gate verbs: `approve`, `reject`, `decide` (raw JSON, as in the Web UI), `provide-cert` (gate signed-cert) and
 * `rollback`. They send the same `decide` Update the UI sends; the workflow's validator has the last word.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { z } from 'zod';
import { decide, GATE_DECISIONS, GateDecision } from '../../workflows/messages';
import { rolloverStatus } from '../../workflows/rollover';
import { EXIT_FAILURE, printJson, runCommand, UsageError } from '../exit';
import { connectTemporal, normaliseWorkflowId } from '../temporal-client';

const DecisionSchema = z
  .object({
    gate: z.string().min(1).max(64),
    decision: z.enum(GATE_DECISIONS),
    by: z.string().trim().min(1, '"by" is required').max(200),
    comment: z.string().max(2000).optional(),
    pem: z.string().max(64_000).optional(),
  })
  .strict();

export function parseDecision(raw: unknown): GateDecision {
  const r = DecisionSchema.safeParse(raw);
  if (!r.success)
    throw new UsageError(r.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; '));
  return r.data;
}

/** Send the Update; a validator rejection is a failure the operator must read, exit 1. */
async function sendDecision(id: string, d: GateDecision, json: boolean | undefined): Promise<number> {
  const t = await connectTemporal();
  try {
    const handle = t.client.workflow.getHandle(normaliseWorkflowId(id));
    try {
      const record = await handle.executeUpdate(decide, { args: [d] });
      if (json) printJson(record);
      else process.stdout.write(`recorded: gate ${record.gate} → ${record.decision} by ${record.by} at ${record.at}\n`);
      return 0;
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        const reason = (err.cause as Error | undefined)?.message ?? err.message;
        process.stderr.write(`certroll: the workflow refused the decision: ${reason}\n`);
        return EXIT_FAILURE;
      }
      throw err;
    }
  } finally {
    await t.close();
  }
}

interface GateFlags {
  gate: string;
  by: string;
  comment?: string;
  json?: boolean;
}

function gateVerb(program: Command, verb: 'approve' | 'reject', description: string): void {
  program
    .command(verb)
    .description(description)
    .argument('<workflow-id>', 'rollover workflow ID (rollover/<asa>/<gateway>, or <asa>/<gateway>)')
    .requiredOption('--gate <gate>', 'the open gate (certroll status shows it)')
    .requiredOption('--by <name>', 'who decides (recorded in the gate log)')
    .option('--comment <text>', 'why')
    .option('--json', 'print the recorded decision as JSON')
    .action(
      runCommand((id: string, f: GateFlags) =>
        sendDecision(id, parseDecision({ gate: f.gate, decision: verb, by: f.by, comment: f.comment }), f.json),
      ),
    );
}

export function registerDecide(program: Command): void {
  gateVerb(program, 'approve', 'approve the open gate');
  gateVerb(program, 'reject', 'reject the open gate');

  program
    .command('decide')
    .description('send a decide payload exactly as in the Web UI: {"gate":"plan","decision":"approve","by":"alice"}')
    .argument('<workflow-id>', 'rollover workflow ID')
    .requiredOption('--json <payload>', 'the JSON payload')
    .action(
      runCommand((id: string, f: { json: string }) => {
        let raw: unknown;
        try {
          raw = JSON.parse(f.json);
        } catch {
          throw new UsageError('--json: not valid JSON');
        }
        return sendDecision(id, parseDecision(raw), false);
      }),
    );

  program
    .command('provide-cert')
    .description('CSR mode: give the CA-signed certificate (PEM, optionally with its CA chain) to gate signed-cert')
    .argument('<workflow-id>', 'rollover workflow ID')
    .requiredOption('--pem <file>', 'PEM file: the signed certificate first, then CA certificates')
    .requiredOption('--by <name>', 'who provides it')
    .option('--comment <text>', 'why')
    .action(
      runCommand((id: string, f: { pem: string; by: string; comment?: string }) => {
        let pem: string;
        try {
          pem = readFileSync(f.pem, 'utf8');
        } catch (err) {
          throw new UsageError(`--pem: ${(err as Error).message}`);
        }
        if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError('--pem: no PEM certificate in the file');
        return sendDecision(
          id,
          parseDecision({ gate: 'signed-cert', decision: 'approve', by: f.by, comment: f.comment, pem }),
          false,
        );
      }),
    );

  program
    .command('rollback')
    .description('roll back: decide "rollback" at the open gate, or cancel the workflow (cancel means rollback)')
    .argument('<workflow-id>', 'rollover workflow ID')
    .requiredOption('--by <name>', 'who decides')
    .option('--comment <text>', 'why')
    .action(
      runCommand(async (id: string, f: { by: string; comment?: string }) => {
        const t = await connectTemporal();
        try {
          const handle = t.client.workflow.getHandle(normaliseWorkflowId(id));
          const status = await handle.query(rolloverStatus);
          if (status.gate?.allowed.includes('rollback')) {
            return sendDecision(
              id,
              parseDecision({ gate: status.gate.gate, decision: 'rollback', by: f.by, comment: f.comment }),
              false,
            );
          }
          await handle.cancel();
          process.stdout.write(
            `cancellation requested by ${f.by}: the workflow rolls back what it changed, then ends\n`,
          );
          return 0;
        } finally {
          await t.close();
        }
      }),
    );
}
