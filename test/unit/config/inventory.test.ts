import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InventoryError, loadInventory, summarizeInventory, validateInventory } from '../../../config/inventory';
import { resolveSecret } from '../../../worker/secrets';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'inventory.example.yaml');
const INVALID_DIR = path.join(ROOT, 'test', 'fixtures', 'inventories');

function expectedPath(file: string): string {
  return /^# expect: (.+)$/m.exec(readFileSync(file, 'utf8'))![1];
}

describe('inventory', () => {
  it('accepts the example and fills defaults', () => {
    const inv = loadInventory(EXAMPLE);
    expect(inv.asa.asa1).toMatchObject({ host: 'asa1.example.com', port: 22, interface: 'outside', tlsPort: 443 });
    expect(inv.cucm.cluster1.tftpServers[0]).toMatchObject({ slots: 3, port: 69 });
    expect(inv.cucm.cluster1.risportQueriesPerMinute).toBe(12);
    expect(inv.gateways['ASA-PhoneVPN']).toEqual({ asa: 'asa1', cluster: 'cluster1' });
  });

  it('summarises without secret references', () => {
    const text = JSON.stringify(summarizeInventory(loadInventory(EXAMPLE)));
    expect(text).not.toMatch(/env:|file:\//);
    expect(text).toContain('asa1.example.com:22');
  });

  const invalid = readdirSync(INVALID_DIR).filter((f) => f.startsWith('invalid-'));
  it('has at least eight invalid inventories', () => {
    expect(invalid.length).toBeGreaterThanOrEqual(8);
  });

  it.each(invalid)('%s is refused with the field path in the message', (file) => {
    const full = path.join(INVALID_DIR, file);
    let error: unknown;
    try {
      loadInventory(full);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InventoryError);
    expect((error as InventoryError).message).toContain(expectedPath(full));
  });

  it('reports every invalid field, not just the first', () => {
    const err = (() => {
      try {
        validateInventory({ asa: { a: { host: 'x' } }, cucm: {}, gateways: {} });
      } catch (e) {
        return e as InventoryError;
      }
      throw new Error('expected an InventoryError');
    })();
    expect(err.problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining([
        'asa.a.username',
        'asa.a.password',
        'asa.a.enablePassword',
        'asa.a.hostKeySha256',
        'asa.a.vpnUrls',
      ]),
    );
  });
});

describe('inventory: duplicate keys', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'certroll-inventory-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Write `text` as an inventory file and load it: the problems it is refused with. */
  function problemsOf(name: string, text: string): string[] {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    try {
      loadInventory(file);
    } catch (err) {
      if (err instanceof InventoryError) return err.problems;
      throw err;
    }
    throw new Error(`${name} was accepted`);
  }

  const example = readFileSync(EXAMPLE, 'utf8');

  it('reports a repeated field inside an entry with its path and both lines', () => {
    const text = example.replace('    port: 22\n', '    port: 22\n    host: asa9.example.com\n');
    expect(problemsOf('dup-field.yaml', text)).toEqual(['asa.asa1.host: duplicate key (line 7, first at line 5)']);
  });

  it('reports a repeated section', () => {
    const text = `${example}\ngateways:\n  Other:\n    asa: asa1\n    cluster: cluster1\n`;
    expect(problemsOf('dup-section.yaml', text)).toEqual([
      expect.stringMatching(/^gateways: duplicate key \(line \d+, first at line \d+\)$/),
    ]);
  });

  it('reports a duplicate name in a JSON inventory and inside a list', () => {
    const json = `{
  "asa": {},
  "cucm": {
    "c1": { "tftpServers": [{ "host": "t1", "slots": 1, "slots": 2 }] },
    "c1": {}
  },
  "gateways": {}
}
`;
    expect(problemsOf('dup.json', json)).toEqual([
      'cucm.c1.tftpServers.0.slots: duplicate key (line 4, first at line 4)',
      'cucm.c1: duplicate name (line 5, first at line 4)',
    ]);
  });

  it('still refuses other YAML errors as not valid YAML', () => {
    expect(problemsOf('bad.yaml', 'asa: [\n')).toEqual([expect.stringMatching(/^not valid YAML\/JSON: /)]);
    expect(problemsOf('two-docs.yaml', `${example}---\n${example}`)).toEqual([
      expect.stringMatching(/^not valid YAML\/JSON: Source contains multiple documents/),
    ]);
  });
});

describe('secret references', () => {
  it('resolves env: and file: references', () => {
    expect(resolveSecret('env:CERTROLL_TEST_SECRET', { CERTROLL_TEST_SECRET: 's3cret' })).toBe('s3cret');
    expect(resolveSecret(`file:${path.join(INVALID_DIR, '..', 'PROVENANCE.md')}`)).toMatch(/^# Fixtures/);
  });

  it('never puts the value in an error', () => {
    expect(() => resolveSecret('Cisco123!')).toThrow(/not a secret reference/);
    expect(() => resolveSecret('Cisco123!')).not.toThrow(/Cisco123/);
    expect(() => resolveSecret('env:CERTROLL_UNSET_SECRET', {})).toThrow(/env:CERTROLL_UNSET_SECRET is not set/);
  });
});
