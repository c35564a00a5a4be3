/** The `--inventory <file>` option every inventory verb takes (default $CERTROLL_INVENTORY, then ./certroll.yaml). */
import { Command } from 'commander';
import { defaultInventoryPath, Inventory, loadInventory } from '../config/inventory';

export function withInventoryOption(cmd: Command): Command {
  return cmd.option('--inventory <file>', 'inventory file (default: $CERTROLL_INVENTORY, then ./certroll.yaml)');
}

/** `--inventory` when given, else $CERTROLL_INVENTORY, else ./certroll.yaml; loaded and validated. */
export function inventoryFrom(
  opts: { inventory?: string },
  env: NodeJS.ProcessEnv = process.env,
): { inventory: Inventory; path: string } {
  const path = opts.inventory ?? defaultInventoryPath(env);
  return { inventory: loadInventory(path), path };
}
