/** `certroll dev-server`: a local Temporal dev server with the Web UI, set up for certroll. */
import { Command } from 'commander';
import { z } from 'zod';
import { CERTROLL_NAMESPACE, DevServerOptions, startDevServer } from '../temporal-dev-server';
import { runCommand } from '../exit';
import { parseFlags } from '../flags';

const Options = z.object({
  port: z.coerce.number().int().min(1).max(65535),
  uiPort: z.coerce.number().int().min(1).max(65535),
  ip: z.string().regex(/^[0-9.]+$|^localhost$/, 'expected an IPv4 address'),
  dbFilename: z.string().min(1).optional(),
});

/** The dev server's options from the command's flags (as commander gives them, defaults filled); exit 2 if invalid. */
export function devServerOptionsFromFlags(raw: Record<string, string>): DevServerOptions {
  const opts = parseFlags(Options, raw);
  return {
    ip: opts.ip,
    port: opts.port,
    uiPort: opts.uiPort,
    dbFilename: opts.dbFilename,
    namespace: CERTROLL_NAMESPACE,
    logLevel: 'warn',
    stdio: 'inherit',
  };
}

export function registerDevServer(program: Command): void {
  program
    .command('dev-server')
    .description('start a local Temporal dev server (namespace certroll, search attributes, Web UI); Ctrl-C stops it')
    .option('--port <port>', 'gRPC port', '7233')
    .option('--ui-port <port>', 'Web UI port', '8233')
    .option('--ip <ip>', 'address to listen on', '127.0.0.1')
    .option('--db-filename <file>', 'SQLite file to keep workflows across restarts (default: in memory)')
    .action(
      runCommand(async (raw: Record<string, string>) => {
        const server = await startDevServer(devServerOptionsFromFlags(raw));
        process.stdout.write(
          `Temporal dev server ready\n  gRPC:      ${server.address}\n  namespace: ${server.namespace}\n  Web UI:    ${server.uiUrl}\n` +
            `  export TEMPORAL_ADDRESS=${server.address} TEMPORAL_NAMESPACE=${server.namespace}\nPress Ctrl-C to stop.\n`,
        );
        await new Promise<void>((resolve) => {
          const shutdown = () => {
            process.stdout.write('stopping the dev server…\n');
            void server.stop().then(resolve);
          };
          process.once('SIGINT', shutdown);
          process.once('SIGTERM', shutdown);
          server.process.once('exit', () => resolve());
        });
      }),
    );
}
