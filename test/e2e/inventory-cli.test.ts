import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runCli } from '../support/cli';

const INVALID_DIR = path.join(ROOT, 'test', 'fixtures', 'inventories');
const EXAMPLE = path.join(ROOT, 'examples', 'inventory.example.yaml');
const INVALID = readdirSync(INVALID_DIR).filter((f) => /^invalid-.*\.yaml$/.test(f));

/** The message a fixture must be refused with: its first line, `# expect: <field path: message>`. */
function expectedMessage(file: string): string {
  return /^# expect: (.+)$/m.exec(readFileSync(path.join(INVALID_DIR, file), 'utf8'))![1];
}

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

  it('covers every invalid fixture', () => {
    expect(INVALID.length).toBeGreaterThanOrEqual(8);
  });

  it.each(INVALID)('%s: exits 2 with the field path in the message', async (file) => {
    const r = await runCli(['inventory', 'check', path.join(INVALID_DIR, file)]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${path.join(INVALID_DIR, file)}: invalid inventory`);
    expect(r.stderr).toContain(`  - ${expectedMessage(file)}`);
  });

  it('exits 2 on an unknown flag and 0 on --help', async () => {
    expect((await runCli(['inventory', 'check', '--bogus', 'x'])).code).toBe(2);
    const help = await runCli(['inventory', 'check', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('validate an inventory file');
  });
});

describe('the default inventory (no --inventory), as a user runs a verb that reads it', () => {
  // `doctor` loads the inventory and checks the names against it before it connects to Temporal: a wrong --gateway
  // is refused (exit 2) with the gateways of whichever file was loaded.
  const doctor = ['doctor', '--asa', 'asa1', '--cluster', 'cluster1', '--gateway', 'no-such-gateway'];

  it('reads $CERTROLL_INVENTORY', async () => {
    const r = await runCli(doctor, { env: { CERTROLL_INVENTORY: EXAMPLE } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--gateway: choose one of ASA-PhoneVPN');
  });

  it('validates $CERTROLL_INVENTORY like an explicit file', async () => {
    const r = await runCli(doctor, {
      env: { CERTROLL_INVENTORY: path.join(INVALID_DIR, 'invalid-bad-pin-format.yaml') },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('asa.asa1.hostKeySha256: expected SHA256:<base64>');
  });

  it('falls back to ./certroll.yaml in the working directory', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'certroll-cwd-'));
    try {
      const missing = await runCli(doctor, { cwd: dir, env: { CERTROLL_INVENTORY: '' } });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('./certroll.yaml: invalid inventory');
      expect(missing.stderr).toContain('cannot read file');

      copyFileSync(EXAMPLE, path.join(dir, 'certroll.yaml'));
      const found = await runCli(doctor, { cwd: dir, env: { CERTROLL_INVENTORY: '' } });
      expect(found.code).toBe(2);
      expect(found.stderr).toContain('--gateway: choose one of ASA-PhoneVPN');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
