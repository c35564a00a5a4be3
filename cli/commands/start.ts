/** `certroll start`: start a rollover for one ASA and VPN gateway; prints the workflow ID and the UI link. */
import { Command } from 'commander';
import { Inventory } from '../../config/inventory';
import { RolloverOptionsInput, RolloverOptionsSchema } from '../../config/rollover-options';
import { rolloverWorkflow } from '../../workflows/rollover';
import { RolloverInput, rolloverWorkflowId } from '../../workflows/rollover-types';
import { rolloverStartOptions } from '../../activities/rollover-start';
import { DEFAULT_TASK_QUEUE } from '../../workflows/rollover-types';
import { printJson, runCommand, UsageError } from '../exit';
import { inventoryFrom, withInventoryOption } from '../inventory-option';
import { connectTemporal, workflowUiUrl } from '../temporal-client';

export interface StartFlags {
  inventory?: string;
  gateway: string;
  asa?: string;
  cluster?: string;
  mode?: string;
  subject?: string;
  fqdn?: string;
  waveSize?: string;
  failureThreshold?: string;
  registrationTimeout?: string;
  soak?: string;
  gatePolicy?: string[];
  dryRun?: boolean;
  taskQueue?: string;
  json?: boolean;
}

/** `plan=manual` `switch=auto-if-full` … → the gates object. */
function parseGatePolicies(list: string[] | undefined): Record<string, string> | undefined {
  if (!list || list.length === 0) return undefined;
  const gates: Record<string, string> = {};
  for (const item of list) {
    const m = /^(plan|push|switch|cleanup)=(manual|auto|auto-if-full)$/.exec(item);
    if (!m)
      throw new UsageError(`--gate-policy ${item}: expected <plan|push|switch|cleanup>=<manual|auto|auto-if-full>`);
    gates[m[1]] = m[2];
  }
  return gates;
}

function num(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`${flag}: expected a number, got "${value}"`);
  return n;
}

/** Flags → a validated RolloverInput whose names exist in the inventory. Throws UsageError (exit 2). */
export function rolloverInputFromFlags(inventory: Inventory, f: StartFlags): RolloverInput {
  const gw = inventory.gateways[f.gateway];
  if (!gw)
    throw new UsageError(
      `--gateway ${f.gateway}: not in the inventory (known: ${Object.keys(inventory.gateways).join(', ')})`,
    );
  const asa = f.asa ?? gw.asa;
  const cluster = f.cluster ?? gw.cluster;
  if (asa !== gw.asa) throw new UsageError(`--asa ${asa}: gateway ${f.gateway} belongs to ASA ${gw.asa}`);
  if (cluster !== gw.cluster)
    throw new UsageError(`--cluster ${cluster}: gateway ${f.gateway} belongs to cluster ${gw.cluster}`);
  const raw: Record<string, unknown> = {
    certificateMode: f.mode,
    subjectName: f.subject,
    fqdn: f.fqdn,
    waveSize: num(f.waveSize, '--wave-size'),
    failureThresholdPercent: num(f.failureThreshold, '--failure-threshold'),
    registrationTimeout: f.registrationTimeout,
    soak: f.soak,
    gates: parseGatePolicies(f.gatePolicy),
    dryRun: f.dryRun || undefined,
  };
  for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
  const parsed = RolloverOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return { asa, cluster, gateway: f.gateway, options: parsed.data as RolloverOptionsInput };
}

export function registerStart(program: Command): void {
  withInventoryOption(program.command('start'))
    .description('start a rollover (workflow ID rollover/<asa>/<gateway>); prints the ID and the Web UI link')
    .requiredOption('--gateway <name>', 'CUCM VPN gateway (inventory name)')
    .option('--asa <name>', 'ASA (default: the gateway owner)')
    .option('--cluster <name>', 'CUCM cluster (default: the gateway owner)')
    .option('--mode <mode>', 'certificate mode: self-signed | csr', 'self-signed')
    .option('--subject <dn>', 'new certificate subject, e.g. CN=vpn-2026.example.com,OU=PhoneVPN (default: planned)')
    .option('--fqdn <fqdn>', 'FQDN for the SAN (default: the gateway URL host)')
    .option('--wave-size <n>', 'phones per wave (≤ 500)')
    .option('--failure-threshold <percent>', 'stop the line when a wave fails more than this')
    .option('--registration-timeout <duration>', 'how long phones may take to re-register, e.g. "15 minutes"')
    .option('--soak <duration>', 'time between the switch and the cleanup gate, e.g. "7 days"')
    .option('--gate-policy <gate=policy...>', 'e.g. plan=manual switch=auto-if-full')
    .option('--dry-run', 'plan only, change nothing')
    .option('--task-queue <name>', 'workflow task queue', DEFAULT_TASK_QUEUE)
    .option('--json', 'print JSON')
    .action(
      runCommand(async (flags: StartFlags) => {
        const { inventory } = inventoryFrom(flags);
        const input = rolloverInputFromFlags(inventory, flags);
        const t = await connectTemporal();
        try {
          const workflowId = rolloverWorkflowId(input.asa, input.gateway);
          await t.client.workflow.start(
            rolloverWorkflow,
            rolloverStartOptions(input, flags.taskQueue ?? DEFAULT_TASK_QUEUE, 'FAIL'),
          );
          const ui = workflowUiUrl(t.namespace, workflowId);
          if (flags.json) return printJson({ workflowId, namespace: t.namespace, ui });
          process.stdout.write(`started ${workflowId}\n  Web UI: ${ui}\n  watch:  certroll watch ${workflowId}\n`);
        } finally {
          await t.close();
        }
      }),
    );
}
