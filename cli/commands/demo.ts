/**
 * `certroll demo`: an embedded Temporal dev server (unless TEMPORAL_ADDRESS is set), the lab, a worker and one full
 * rollover, with the soak shortened to seconds. Without --auto-approve it stops at every gate and says how to
 * decide it in the Web UI or from another terminal. Exit 0 only when every lab phone ended registered through the
 * new certificate.
 */
import { Command } from 'commander';
import { z } from 'zod';
import { runCommand } from '../exit';
import { parseFlags } from '../flags';

const Flags = z.object({
  phones: z.coerce.number().int().min(1).max(10_000),
  autoApprove: z.boolean().optional(),
  json: z.boolean().optional(),
  uiPort: z.coerce.number().int().min(1).max(65535).optional(),
  failAt: z.enum(['gateway']).optional(),
});
export type DemoFlags = z.infer<typeof Flags>;

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'embedded dev server + lab + worker + one full rollover (soak in seconds); exit 0 when every phone ends on the new certificate',
    )
    .option('--phones <n>', 'number of lab VPN phones', '200')
    .option('--auto-approve', 'pass every gate by policy instead of waiting for you')
    .option('--ui-port <port>', 'Web UI port of the embedded dev server (default 8233, or a free one)')
    .option('--json', 'print one JSON object at the end')
    .option(
      '--fail-at <phase>',
      'make the lab fail a step to watch gate failure and the rollback (gateway: CUCM refuses the VPN gateway update)',
    )
    .action(
      runCommand((raw: unknown) => {
        const flags = parseFlags(Flags, raw);
        return import('../demo-run').then(({ runDemo }) => runDemo(flags));
      }),
    );
}
