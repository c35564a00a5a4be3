/** `certroll inventory check <file>`: validate an inventory and print a summary without secrets. */
import { Command } from 'commander';
import { loadInventory, summarizeInventory } from '../../config/inventory';
import { printJson, runCommand } from '../exit';

export function registerInventory(program: Command): void {
  const inventory = program.command('inventory').description('work with inventory files');
  inventory
    .command('check')
    .description('validate an inventory file (YAML or JSON); exit 2 with every invalid field path')
    .argument('<file>', 'inventory file')
    .option('--json', 'print the summary as JSON')
    .action(
      runCommand((file: string, opts: { json?: boolean }) => {
        const summary = summarizeInventory(loadInventory(file));
        if (opts.json) return printJson({ valid: true, ...summary });
        process.stdout.write(`${file}: valid\n`);
        for (const a of summary.asa) {
          process.stdout.write(
            `  ASA ${a.name}: ssh ${a.host}, interface ${a.interface}, tls ${a.tls}, ${a.vpnUrls.join(' ')}\n`,
          );
        }
        for (const c of summary.cucm) {
          process.stdout.write(
            `  CUCM ${c.name}: ${c.publisher} AXL ${c.axlVersion} (${c.tls}), TFTP ${c.tftpServers.join(', ')}, RisPort ${c.risportQueriesPerMinute}/min\n`,
          );
        }
        for (const g of summary.gateways)
          process.stdout.write(`  gateway ${g.name}: ASA ${g.asa}, cluster ${g.cluster}\n`);
      }),
    );
}
