/** Every CLI verb, one file each. Add a new verb here. */
import { Command } from 'commander';
import { registerDevServer } from './dev-server';
import { registerInventory } from './inventory';

export function registerCommands(program: Command): void {
  registerInventory(program);
  registerDevServer(program);
}
