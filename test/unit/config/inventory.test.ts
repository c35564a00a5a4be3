import { readdirSync, readFileSync } from 'node:fs';
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
