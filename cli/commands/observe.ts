/** `certroll status`, `watch` and `list`: what a rollover is doing, from the terminal. */
import { Command } from 'commander';
import { CertrollAsa, CertrollGateway, CertrollPhase } from '../../workflows/search-attributes';
import { printJson, runCommand } from '../exit';
import { renderStatus } from '../render-status';
import { readStatus } from '../read-status';
import { connectTemporal, workflowUiUrl } from '../temporal-client';

export function registerObserve(program: Command): void {
  program
    .command('status')
    .description('phases, coverage, findings and the open gate of a rollover')
    .argument('<workflow-id>', 'rollover workflow ID (rollover/<asa>/<gateway>, or <asa>/<gateway>)')
    .option('--json', 'print the status query result as JSON')
    .action(
      runCommand(async (id: string, f: { json?: boolean }) => {
        const t = await connectTemporal();
        try {
          const s = await readStatus(t.client, id);
          if (f.json) return printJson(s);
          process.stdout.write(`${renderStatus(s)}\n  Web UI: ${workflowUiUrl(t.namespace, s.workflowId)}\n`);
        } finally {
          await t.close();
        }
      }),
    );

  program
    .command('watch')
    .description('follow a rollover live; exits when it waits at a gate or ends')
    .argument('<workflow-id>', 'rollover workflow ID')
    .option('--interval <seconds>', 'refresh interval', '2')
    .action(
      runCommand(async (id: string, f: { interval: string }) => {
        const t = await connectTemporal();
        const interval = Math.max(0.5, Number(f.interval) || 2) * 1000;
        try {
          let last = '';
          for (;;) {
            const s = await readStatus(t.client, id);
            const text = renderStatus(s);
            if (text !== last) process.stdout.write(`\n${text}\n`);
            last = text;
            if (s.gate || s.outcome) return 0;
            await new Promise((r) => setTimeout(r, interval));
          }
        } finally {
          await t.close();
        }
      }),
    );

  program
    .command('list')
    .description('running rollovers (Temporal visibility)')
    .option('--all', 'include finished ones')
    .option('--json', 'print JSON')
    .action(
      runCommand(async (f: { all?: boolean; json?: boolean }) => {
        const t = await connectTemporal();
        try {
          const query = `WorkflowType = 'rolloverWorkflow'${f.all ? '' : " AND ExecutionStatus = 'Running'"}`;
          const rows: Array<{
            workflowId: string;
            status: string;
            phase?: string;
            asa?: string;
            gateway?: string;
            startTime: string;
          }> = [];
          for await (const w of t.client.workflow.list({ query })) {
            const sa = w.typedSearchAttributes;
            rows.push({
              workflowId: w.workflowId,
              status: w.status.name,
              phase: sa.get(CertrollPhase),
              asa: sa.get(CertrollAsa),
              gateway: sa.get(CertrollGateway),
              startTime: w.startTime.toISOString(),
            });
          }
          if (f.json) return printJson(rows);
          if (rows.length === 0) process.stdout.write('no rollovers\n');
          for (const r of rows)
            process.stdout.write(`${r.workflowId}  ${r.status}  phase ${r.phase ?? '?'}  started ${r.startTime}\n`);
        } finally {
          await t.close();
        }
      }),
    );
}
