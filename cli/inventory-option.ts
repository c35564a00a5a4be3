/** The `--inventory <file>` option every inventory verb takes (default $CERTROLL_INVENTORY, then ./certroll.yaml). */
import { Command } from 'commander';
import { defaultInventoryPath, Inventory, loadInventory } from '../config/inventory';

export function withInventoryOption(cmd: Command): Command {
  return cmd.option('--inventory <file>', 'inventory file (default: $CERTROLL_INVENTORY, then ./certroll.yaml)');
}

export function inventoryFrom(opts: { inventory?: string }): { inventory: Inventory; path: string } {
  const path = opts.inventory ?? defaultInventoryPath();
  return { inventory: loadInventory(path), path };
}
