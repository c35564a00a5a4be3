/**
 * `certroll schedule create|describe|pause|unpause|trigger|delete`: the expiry watch as a Temporal Schedule
 * (daily by default, overlap SKIP, catch-up window set explicitly).
 */
import { Command } from 'commander';
import { Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { z } from 'zod';
import { expiryWatchWorkflow } from '../../workflows/expiry-watch';
import { DEFAULT_TASK_QUEUE } from '../../workflows/rollover-types';
import { printJson, runCommand } from '../exit';
import { parseFlags } from '../flags';
import { connectTemporal } from '../temporal-client';

export const DEFAULT_SCHEDULE_ID = 'certroll-expiry-watch';
const DURATION = /^\d+\s*(s|seconds?|m|minutes?|h|hours?|d|days?)$/;

const CreateFlags = z.object({
  scheduleId: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/),
  every: z.string().regex(DURATION, 'expected an interval like "1 day", "12 hours"'),
  catchupWindow: z.string().regex(DURATION, 'expected a duration like "1 hour"'),
  renewBeforeDays: z.coerce.number().int().min(1).max(3650).optional(),
  taskQueue: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/),
  paused: z.boolean().optional(),
  json: z.boolean().optional(),
});

async function withSchedule<T>(
  id: string,
  fn: (h: ReturnType<Awaited<ReturnType<typeof connectTemporal>>['client']['schedule']['getHandle']>) => Promise<T>,
): Promise<T> {
  const t = await connectTemporal();
  try {
    return await fn(t.client.schedule.getHandle(id));
  } finally {
    await t.close();
  }
}

export interface WatchScheduleOptions {
  scheduleId: string;
  every: string;
  catchupWindow: string;
  renewBeforeDays?: number;
  taskQueue: string;
  paused?: boolean;
}

/** Create the expiry-watch schedule; false when it already exists (left as is). */
export async function createWatchSchedule(client: Client, o: WatchScheduleOptions): Promise<boolean> {
  try {
    await client.schedule.create({
      scheduleId: o.scheduleId,
      spec: { intervals: [{ every: o.every as '1 day' }] },
      action: {
        type: 'startWorkflow',
        workflowType: expiryWatchWorkflow,
        taskQueue: o.taskQueue,
        workflowId: `${o.scheduleId}-run`,
        args: [{ renewBeforeDays: o.renewBeforeDays }],
        staticSummary: 'certroll expiry watch: ASA certificates of every VPN gateway',
      },
      // A watch run still going makes the next one pointless; a missed run is worth catching up only shortly after
      // (set explicitly: the SDK's documented default is ambiguous).
      policies: {
        overlap: ScheduleOverlapPolicy.SKIP,
        catchupWindow: o.catchupWindow as '1 hour',
        pauseOnFailure: false,
      },
      state: { paused: o.paused ?? false, note: 'created by certroll schedule create' },
    });
    return true;
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return false;
    throw err;
  }
}

export function registerSchedule(program: Command): void {
  const schedule = program.command('schedule').description('the expiry watch schedule (a Temporal Schedule)');

  schedule
    .command('create')
    .description('create the expiry-watch schedule (idempotent: an existing one is left as is)')
    .option('--schedule-id <id>', 'schedule ID', DEFAULT_SCHEDULE_ID)
    .option('--every <interval>', 'how often the watch runs', '1 day')
    .option('--catchup-window <duration>', 'how late a missed run may still start (e.g. after an outage)', '1 hour')
    .option(
      '--renew-before-days <days>',
      'start a rollover this many days before expiry (default max(30 d, ⅓ of lifetime))',
    )
    .option('--task-queue <name>', 'task queue of the certroll worker', DEFAULT_TASK_QUEUE)
    .option('--paused', 'create it paused')
    .option('--json', 'print JSON')
    .action(
      runCommand(async (raw: unknown) => {
        const f = parseFlags(CreateFlags, raw);
        const t = await connectTemporal();
        try {
          const created = await createWatchSchedule(t.client, f);
          if (f.json) return printJson({ scheduleId: f.scheduleId, created });
          process.stdout.write(
            created
              ? `schedule ${f.scheduleId} created: expiry watch every ${f.every}\n`
              : `schedule ${f.scheduleId} already exists: left as is\n`,
          );
        } finally {
          await t.close();
        }
      }),
    );

  schedule
    .command('describe')
    .description('show the schedule: state, next runs, recent runs')
    .option('--schedule-id <id>', 'schedule ID', DEFAULT_SCHEDULE_ID)
    .option('--json', 'print JSON')
    .action(
      runCommand((f: { scheduleId: string; json?: boolean }) =>
        withSchedule(f.scheduleId, async (h) => {
          const d = await h.describe();
          const summary = {
            scheduleId: d.scheduleId,
            paused: d.state.paused,
            note: d.state.note,
            overlap: d.policies.overlap,
            catchupWindowMs: d.policies.catchupWindow,
            nextActionTimes: d.info.nextActionTimes.map((x) => x.toISOString()),
            recentActions: d.info.recentActions.map((a) => ({
              at: a.takenAt.toISOString(),
              workflowId: a.action.workflow.workflowId,
            })),
            numActionsTaken: d.info.numActionsTaken,
            /** Watch runs still going (overlap SKIP: while one runs, due or triggered runs are skipped). */
            running: d.info.runningActions.map((a) => a.workflow.workflowId),
            numActionsSkippedOverlap: d.info.numActionsSkippedOverlap,
          };
          if (f.json) return printJson(summary);
          process.stdout.write(
            `${summary.scheduleId}: ${summary.paused ? 'PAUSED' : 'active'}, overlap ${summary.overlap}\n  next: ${summary.nextActionTimes.join(', ') || '-'}\n  runs: ${summary.numActionsTaken} (running ${summary.running.length}, skipped for overlap ${summary.numActionsSkippedOverlap})\n`,
          );
        }),
      ),
    );

  for (const [verb, description] of [
    ['pause', 'pause the schedule'],
    ['unpause', 'resume the schedule'],
    ['trigger', 'run the watch now'],
    ['delete', 'delete the schedule'],
  ] as const) {
    schedule
      .command(verb)
      .description(description)
      .option('--schedule-id <id>', 'schedule ID', DEFAULT_SCHEDULE_ID)
      .option('--note <text>', 'why (pause/unpause)')
      .action(
        runCommand((f: { scheduleId: string; note?: string }) =>
          withSchedule(f.scheduleId, async (h) => {
            if (verb === 'pause') await h.pause(f.note ?? 'paused with certroll');
            if (verb === 'unpause') await h.unpause(f.note ?? 'unpaused with certroll');
            if (verb === 'trigger') await h.trigger(ScheduleOverlapPolicy.SKIP);
            if (verb === 'delete') await h.delete();
            process.stdout.write(`schedule ${f.scheduleId}: ${verb} done\n`);
          }),
        ),
      );
  }
}
