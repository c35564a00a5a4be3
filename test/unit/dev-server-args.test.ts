/**
 * `certroll dev-server`'s command line for `temporal server start-dev`, built from the verb's flags (commander's
 * defaults included) without starting anything.
 */
import { Command } from 'commander';
import { devServerOptionsFromFlags, registerDevServer } from '../../cli/commands/dev-server';
import { UsageError } from '../../cli/exit';
import { devServerArgs } from '../../cli/temporal-dev-server';

/** The flags commander hands the action for `certroll dev-server <argv…>`. */
function flagsOf(argv: string[]): Record<string, string> {
  const program = new Command();
  registerDevServer(program);
  const cmd = program.commands.find((c) => c.name() === 'dev-server')!;
  cmd.parseOptions(argv);
  return cmd.opts();
}

function argsFor(argv: string[]): string[] {
  const opts = devServerOptionsFromFlags(flagsOf(argv));
  return devServerArgs({
    ...opts,
    ip: opts.ip!,
    port: opts.port!,
    namespace: opts.namespace!,
    logLevel: opts.logLevel!,
  });
}

/** The value following `flag`, for flags given once. */
function valueOf(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Every value of a repeated flag. */
function valuesOf(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));
}

describe('certroll dev-server arguments', () => {
  const defaults = argsFor([]);

  it('runs `temporal server start-dev` on 127.0.0.1 in the certroll namespace', () => {
    expect(defaults.slice(0, 2)).toEqual(['server', 'start-dev']);
    expect(valueOf(defaults, '--ip')).toBe('127.0.0.1');
    expect(valueOf(defaults, '--port')).toBe('7233');
    expect(valueOf(defaults, '--namespace')).toBe('certroll');
  });

  it('registers the four certroll search attributes with their types', () => {
    expect(valuesOf(defaults, '--search-attribute').sort()).toEqual([
      'CertrollAsa=Keyword',
      'CertrollGateway=Keyword',
      'CertrollNotAfter=Datetime',
      'CertrollPhase=Keyword',
    ]);
  });

  it('enables Updates with both dynamic-config flags', () => {
    expect(valuesOf(defaults, '--dynamic-config-value')).toEqual(
      expect.arrayContaining([
        'frontend.enableUpdateWorkflowExecution=true',
        'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
      ]),
    );
  });

  it('serves the Web UI on 8233 on the same address, not headless', () => {
    expect(valueOf(defaults, '--ui-port')).toBe('8233');
    expect(valueOf(defaults, '--ui-ip')).toBe('127.0.0.1');
    expect(defaults).not.toContain('--headless');
  });

  it('keeps workflows in memory unless --db-filename is given', () => {
    expect(defaults).not.toContain('--db-filename');
    const args = argsFor(['--db-filename', '/tmp/certroll.db', '--ui-port', '9000', '--port', '7300']);
    expect(valueOf(args, '--db-filename')).toBe('/tmp/certroll.db');
    expect(valueOf(args, '--ui-port')).toBe('9000');
    expect(valueOf(args, '--port')).toBe('7300');
  });

  it('refuses a bad port as bad input (exit 2) before starting anything', () => {
    expect(() => devServerOptionsFromFlags(flagsOf(['--ui-port', '70000']))).toThrow(UsageError);
    expect(() => devServerOptionsFromFlags(flagsOf(['--ui-port', '70000']))).toThrow(/^--ui-port: .*65535/);
  });

  it('runs headless when no UI port is asked for (the test harness)', () => {
    const args = devServerArgs({ ip: '127.0.0.1', port: 7233, namespace: 'certroll', logLevel: 'error' });
    expect(args).toContain('--headless');
    expect(args).not.toContain('--ui-port');
  });
});
