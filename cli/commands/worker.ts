/** `certroll worker --inventory <file>`: run the worker for every task queue the inventory implies. */
import { Command } from 'commander';
import { z } from 'zod';
import { defaultInventoryPath } from '../../config/inventory';
import { DEFAULT_TASK_QUEUE } from '../../workflows/rollover-types';
import { runCommand } from '../exit';
import { parseFlags } from '../flags';
import { withInventoryOption } from '../inventory-option';

const Flags = z.object({
  inventory: z.string().optional(),
  metrics: z
    .string()
    .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:9464')
    .optional(),
  taskQueue: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/),
});

export function registerWorker(program: Command): void {
  withInventoryOption(program.command('worker'))
    .description(
      'run the certroll worker: workflows plus one activity queue per ASA and CUCM cluster, with device limits',
    )
    .option('--metrics <host:port>', 'serve Prometheus metrics (SDK and certroll_*) on this address')
    .option('--task-queue <name>', 'workflow task queue', DEFAULT_TASK_QUEUE)
    .action(
      runCommand(async (raw: unknown) => {
        const f = parseFlags(Flags, raw);
        // Loaded on use: the worker's native runtime is heavy for every other verb.
        const { runWorker } = await import('../../worker/run-worker');
        await runWorker({
          inventoryPath: f.inventory ?? defaultInventoryPath(),
          metrics: f.metrics,
          taskQueue: f.taskQueue,
        });
      }),
    );
}
