/**
 * `certroll doctor`: run every check of the TAC troubleshooting guide against one ASA and VPN gateway (read-only,
 * as a workflow on the certroll worker) and print one finding per check with its evidence and fix.
 * Exit 0 when no blocker was found, 1 otherwise.
 */
import { Command } from 'commander';
import type { DoctorReport } from '../../activities/doctor';
import { doctorWorkflow } from '../../workflows/doctor';
import { DEFAULT_TASK_QUEUE } from '../../workflows/rollover-types';
import { EXIT_FAILURE, EXIT_OK, printJson, runCommand, UsageError } from '../exit';
import { inventoryFrom, withInventoryOption } from '../inventory-option';
import { connectTemporal } from '../temporal-client';

interface DoctorFlags {
  inventory?: string;
  asa: string;
  cluster: string;
  gateway?: string;
  allPhones?: boolean;
  taskQueue: string;
  json?: boolean;
}

const MARK = { blocker: 'BLOCKER', warn: 'WARN   ', info: 'info   ', ok: 'ok     ' } as const;

export function renderDoctor(r: DoctorReport): string {
  const lines = [`doctor ${r.asa} / ${r.gateway ?? '?'}: ${r.counts.blocker} blocker(s), ${r.counts.warn} warning(s)`];
  for (const f of r.findings) {
    lines.push(`${MARK[f.severity]} ${f.title}: ${f.message}`);
    if (f.evidence) lines.push(`        evidence: ${f.evidence.replace(/\n/g, '\n                  ')}`);
    if (f.fix && f.severity !== 'ok') lines.push(`        fix: ${f.fix.replace(/\n/g, '\n             ')}`);
  }
  return lines.join('\n');
}

export function registerDoctor(program: Command): void {
  withInventoryOption(program.command('doctor'))
    .description('every check of the TAC "AnyConnect VPN Phone" guide, read-only, with the fix for each finding')
    .requiredOption('--asa <name>', 'ASA (inventory name)')
    .requiredOption('--cluster <name>', 'CUCM cluster (inventory name)')
    .option('--gateway <name>', 'VPN gateway (default: the one gateway of this ASA and cluster)')
    .option('--all-phones', 'read every phone config over TFTP, not a sample')
    .option('--task-queue <name>', 'task queue of the certroll worker', DEFAULT_TASK_QUEUE)
    .option('--json', 'print the report as JSON')
    .action(
      runCommand(async (f: DoctorFlags) => {
        const { inventory } = inventoryFrom(f);
        if (!inventory.asa[f.asa]) throw new UsageError(`--asa ${f.asa}: not in the inventory`);
        if (!inventory.cucm[f.cluster]) throw new UsageError(`--cluster ${f.cluster}: not in the inventory`);
        const candidates = Object.entries(inventory.gateways)
          .filter(([, g]) => g.asa === f.asa && g.cluster === f.cluster)
          .map(([n]) => n);
        const gateway = f.gateway ?? (candidates.length === 1 ? candidates[0] : undefined);
        if (!gateway || !candidates.includes(gateway)) {
          throw new UsageError(
            `--gateway: choose one of ${candidates.join(', ') || '(none for this ASA and cluster)'}`,
          );
        }
        const t = await connectTemporal();
        try {
          const report = await t.client.workflow.execute(doctorWorkflow, {
            workflowId: `doctor/${f.asa}/${gateway}/${new Date().toISOString()}`,
            taskQueue: f.taskQueue,
            args: [{ asa: f.asa, cluster: f.cluster, gateway, allPhones: f.allPhones }],
            staticSummary: `certroll doctor ${f.asa} / ${gateway}`,
          });
          if (f.json) printJson(report);
          else process.stdout.write(`${renderDoctor(report)}\n`);
          return report.counts.blocker > 0 ? EXIT_FAILURE : EXIT_OK;
        } finally {
          await t.close();
        }
      }),
    );
}
