/** `certroll lab up`: every simulator on loopback, and an inventory that points certroll at them. */
import { copyFileSync, readFileSync } from 'node:fs';
import { Command } from 'commander';
import { z } from 'zod';
import { printJson, runCommand } from '../exit';
import { parseFlags } from '../flags';

const Flags = z.object({
  phones: z.coerce.number().int().min(1).max(20_000),
  inventoryOut: z.string().min(1).optional(),
  json: z.boolean().optional(),
});

export function registerLab(program: Command): void {
  const lab = program.command('lab').description('the lab: simulated ASA, CUCM, TFTP and VPN phones on loopback');
  lab
    .command('up')
    .description('start the lab and print its inventory; Ctrl-C stops it')
    .option('--phones <n>', 'number of VPN phones', '50')
    .option('--inventory-out <file>', 'also write the inventory here')
    .option('--json', 'print the endpoints and the inventory as JSON')
    .action(
      runCommand(async (raw: unknown) => {
        const f = parseFlags(Flags, raw);
        const { startLab } = await import('../../lab');
        const running = await startLab({ phones: f.phones });
        if (f.inventoryOut) copyFileSync(running.inventoryPath, f.inventoryOut);
        const info = {
          inventory: f.inventoryOut ?? running.inventoryPath,
          asa: { ssh: running.asa.ssh, tls: running.asa.tls },
          cucm: running.cucm.https,
          tftp: { udp: running.tftp.udp, http: running.tftp.http },
          phones: f.phones,
          gateway: running.names.gateway,
          // Secrets are `file:` references into the lab's directory, never values: safe to print.
          inventoryYaml: readFileSync(running.inventoryPath, 'utf8'),
        };
        if (f.json) printJson(info);
        else {
          process.stdout.write(
            `lab up: ${f.phones} phones\n  ASA ${running.names.asa}: ssh ${info.asa.ssh.host}:${info.asa.ssh.port}, TLS ${info.asa.tls.host}:${info.asa.tls.port}\n` +
              `  CUCM ${running.names.cluster}: https ${info.cucm.host}:${info.cucm.port}\n` +
              `  TFTP: udp ${info.tftp.udp.port}, http ${info.tftp.http.port}\n` +
              `  inventory: ${info.inventory}\n\n${info.inventoryYaml}\nnext: certroll worker --inventory ${info.inventory}  and  certroll start --inventory ${info.inventory} --gateway ${running.names.gateway}\nCtrl-C stops the lab.\n`,
          );
        }
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await running.close();
      }),
    );
}
