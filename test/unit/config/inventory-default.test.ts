/** Where the inventory comes from without --inventory: $CERTROLL_INVENTORY, then ./certroll.yaml. */
import path from 'node:path';
import { defaultInventoryPath, InventoryError } from '../../../config/inventory';
import { inventoryFrom } from '../../../cli/inventory-option';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'inventory.example.yaml');
const INVALID = path.join(ROOT, 'test', 'fixtures', 'inventories', 'invalid-bad-pin-format.yaml');

describe('defaultInventoryPath', () => {
  it('is $CERTROLL_INVENTORY when set', () => {
    expect(defaultInventoryPath({ CERTROLL_INVENTORY: '/etc/certroll/inventory.yaml' })).toBe(
      '/etc/certroll/inventory.yaml',
    );
  });

  it('is ./certroll.yaml when $CERTROLL_INVENTORY is unset or empty', () => {
    expect(defaultInventoryPath({})).toBe('./certroll.yaml');
    expect(defaultInventoryPath({ CERTROLL_INVENTORY: '' })).toBe('./certroll.yaml');
  });
});

describe('inventoryFrom (the --inventory option)', () => {
  it('loads $CERTROLL_INVENTORY when --inventory is not given', () => {
    const r = inventoryFrom({}, { CERTROLL_INVENTORY: EXAMPLE });
    expect(r.path).toBe(EXAMPLE);
    expect(Object.keys(r.inventory.gateways)).toEqual(['ASA-PhoneVPN']);
  });

  it('prefers --inventory over $CERTROLL_INVENTORY', () => {
    const r = inventoryFrom({ inventory: EXAMPLE }, { CERTROLL_INVENTORY: INVALID });
    expect(r.path).toBe(EXAMPLE);
  });

  it('falls back to ./certroll.yaml and names it when it cannot be read', () => {
    let error: unknown;
    try {
      inventoryFrom({}, {});
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InventoryError);
    expect((error as InventoryError).source).toBe('./certroll.yaml');
    expect((error as InventoryError).problems).toEqual([expect.stringMatching(/^cannot read file: ENOENT/)]);
  });

  it('validates the default file like an explicit one', () => {
    expect(() => inventoryFrom({}, { CERTROLL_INVENTORY: INVALID })).toThrow(
      /asa\.asa1\.hostKeySha256: expected SHA256:<base64>/,
    );
  });
});
