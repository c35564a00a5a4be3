/** The certroll command line: rollovers through Temporal, troubleshooting verbs straight against devices. */
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands';
import { EXIT_BAD_INPUT } from './exit';

/** Commander exits by itself on bad flags; we map its errors to exit code 2 instead, on every sub-command. */
function overrideExitEverywhere(cmd: Command): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) overrideExitEverywhere(sub);
}

async function run(): Promise<void> {
  const program = new Command('certroll')
    .description('Make-before-break ASA certificate rollover for Cisco VPN phones')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  overrideExitEverywhere(program);
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version are not errors; everything else commander reports is bad input.
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
      return;
    }
    throw err;
  }
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
