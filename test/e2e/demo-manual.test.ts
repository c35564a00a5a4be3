/**
 * `certroll demo` without --auto-approve, the way a first-time user meets it: at each gate it prints the Web UI
 * link and the exact command for a second terminal; running each printed command carries the rollover to its end.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT } from '../support/cli';

const exec = promisify(execFile);

describe('certroll demo, gates decided from a second terminal', () => {
  it('prints the UI link and the approve command at every gate; running them completes the rollover', async () => {
    const env = { ...process.env };
    delete env.TEMPORAL_ADDRESS;
    const demo = spawn(process.execPath, ['bin/certroll.js', 'demo', '--phones', '5'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const approved: string[] = [];
    const pending: Promise<unknown>[] = [];
    demo.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const m of out.matchAll(
        /^\s+((?:TEMPORAL_ADDRESS=\S+ )?npx certroll approve '([^']+)' --gate (\S+) --by \S+)$/gm,
      )) {
        const gate = m[3];
        if (approved.includes(gate)) continue;
        approved.push(gate);
        // Exactly what the user would paste into another terminal.
        pending.push(exec('bash', ['-c', m[1]], { cwd: ROOT, env }));
      }
    });
    const code = await new Promise<number | null>((resolve) => demo.on('close', resolve));
    await Promise.all(pending);
    expect({ code, tail: out.slice(-600) }).toEqual({
      code: 0,
      tail: expect.stringContaining('rollover completed: 5/5 lab phones'),
    });
    expect(approved).toEqual(['plan', 'push', 'switch', 'cleanup']);
    expect(out).toMatch(
      /Web UI: http:\/\/127\.0\.0\.1:\d+\/namespaces\/certroll\/workflows\/rollover%2Fasa1%2FASA-PhoneVPN/,
    );
    expect(out).toContain('→ More Actions → Send an Update → decide, with:');
    expect(out).toMatch(/\{"gate":"plan","decision":"approve","by":"[^"]+"\}/);
  }, 600_000);
});
