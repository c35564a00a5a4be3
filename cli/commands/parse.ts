/**
 * `certroll parse asa <kind> <file>`: run one of the ASA output parsers on saved output (a capture, a ticket
 * attachment) and print the typed result as JSON, with the field names of the parse types (docs/cli.md).
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { ASA_PARSE_KINDS, ASA_PARSERS, isAsaParseKind } from '../../devices/asa/parse';
import { printJson, runCommand, UsageError } from '../exit';

const MAX_INPUT = 4 * 1024 * 1024;

function readInput(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file === '-' ? 0 : file);
  } catch (err) {
    throw new UsageError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (bytes.length > MAX_INPUT) throw new UsageError(`${file}: larger than 4 MiB`);
  return bytes.toString('utf8');
}

export function registerParse(program: Command): void {
  const parse = program.command('parse').description('run a device output parser on saved output');
  parse
    .command('asa')
    .description(`parse saved ASA output; <kind> is one of: ${ASA_PARSE_KINDS.join(', ')}`)
    .argument('<kind>', 'which command produced the output')
    .argument('<file>', 'file with the output (- for stdin); a leading "host# command" line is fine')
    .option('--json', 'print JSON (the default and only format)')
    .action(
      runCommand((kind: string, file: string) => {
        if (!isAsaParseKind(kind))
          throw new UsageError(`<kind>: unknown "${kind}"; one of ${ASA_PARSE_KINDS.join(', ')}`);
        printJson(ASA_PARSERS[kind](readInput(file)));
      }),
    );
}
