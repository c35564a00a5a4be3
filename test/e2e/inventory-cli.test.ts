import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT, runCli } from '../support/cli';

describe('certroll inventory check (as a user runs it)', () => {
  it('exits 0 on the example and prints a summary without secrets', async () => {
    const r = await runCli(['inventory', 'check', 'examples/inventory.example.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('gateway ASA-PhoneVPN: ASA asa1, cluster cluster1');
    expect(r.stdout).not.toMatch(/env:|file:/);
  });

  it('prints JSON with --json', async () => {
    const r = await runCli(['inventory', 'check', 'examples/inventory.example.yaml', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true, gateways: [{ name: 'ASA-PhoneVPN' }] });
  });

  it('exits 2 with the field path for an invalid inventory', async () => {
    const dir = path.join(ROOT, 'test', 'fixtures', 'inventories');
    const file = readdirSync(dir).find((f) => f === 'invalid-bad-pin-format.yaml')!;
    const r = await runCli(['inventory', 'check', path.join(dir, file)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('asa.asa1.hostKeySha256: expected SHA256:<base64>');
  });

  it('exits 2 on an unknown flag and 0 on --help', async () => {
    expect((await runCli(['inventory', 'check', '--bogus', 'x'])).code).toBe(2);
    const help = await runCli(['inventory', 'check', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('validate an inventory file');
  });
});
