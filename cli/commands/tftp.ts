/**
 * `certroll tftp get <host> <file>`: read one file from a TFTP server (CUCM's TFTP service, or any RFC 1350
 * server) with our client, or over the TFTP service's HTTP port; for troubleshooting what a phone would receive.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { tftpGet } from '../../devices/tftp/client';
import { httpGetFile } from '../../devices/tftp/http-6970';
import { BLKSIZE_MAX, BLKSIZE_MIN, TIMEOUT_MAX_S, TIMEOUT_MIN_S } from '../../devices/tftp/packets';
import { printJson, runCommand, UsageError } from '../exit';
import { parseFlags } from '../flags';

/** A host name or IPv4 address: nothing else reaches a socket. */
export const HOST = z
  .string()
  .regex(
    /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$|^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
    'expected a host name or IPv4 address',
  );

export const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const GetOptions = z.object({
  host: HOST,
  file: z.string().regex(/^[\x21-\x7e]{1,255}$/, 'expected 1-255 printable ASCII characters'),
  port: int(1, 65535).optional(),
  blksize: int(BLKSIZE_MIN, BLKSIZE_MAX).optional(),
  options: z.boolean(),
  timeout: int(TIMEOUT_MIN_S, TIMEOUT_MAX_S).optional(),
  http: z.boolean().optional(),
  output: z.string().min(1).optional(),
  maxBytes: int(0, 2 ** 31).optional(),
  json: z.boolean().optional(),
});
type GetOptions = z.infer<typeof GetOptions>;

interface Received {
  data: Buffer;
  summary: Record<string, unknown>;
}

async function receive(o: GetOptions): Promise<Received> {
  if (o.http) {
    const r = await httpGetFile({ host: o.host, port: o.port ?? 6970, file: o.file, maxBytes: o.maxBytes });
    return { data: r.data, summary: { channel: 'http', file: o.file, bytes: r.data.length, elapsedMs: r.elapsedMs } };
  }
  const r = await tftpGet({
    host: o.host,
    port: o.port ?? 69,
    file: o.file,
    blksize: o.options ? (o.blksize ?? undefined) : false,
    timeoutSeconds: o.timeout,
    maxBytes: o.maxBytes,
  });
  const summary = {
    channel: 'tftp',
    file: o.file,
    bytes: r.data.length,
    elapsedMs: r.elapsedMs,
    blksize: r.blksize,
    oack: r.oack,
    tsize: r.tsize,
    server: `${r.server.address}:${r.server.port}`,
    retransmits: r.retransmits,
    duplicates: r.duplicates,
    strays: r.strays,
  };
  return { data: r.data, summary };
}

function describe(s: Record<string, unknown>, target: string): string {
  if (s.channel === 'http') return `received ${s.file} over HTTP: ${s.bytes} bytes in ${s.elapsedMs} ms → ${target}\n`;
  const negotiated = s.oack
    ? `blksize ${s.blksize} via OACK${s.tsize !== undefined ? `, tsize ${s.tsize}` : ''}`
    : 'no OACK, 512-byte blocks';
  return `received ${s.file}: ${s.bytes} bytes in ${s.elapsedMs} ms (${negotiated}; ${s.retransmits} retransmissions) → ${target}\n`;
}

export function registerTftp(program: Command): void {
  const tftp = program.command('tftp').description('read files from a TFTP server the way phones do');
  tftp
    .command('get')
    .description('download one file over TFTP (RFC 1350 + blksize/tsize/timeout options) or the HTTP port (--http)')
    .argument('<host>', 'TFTP server (host name or IPv4 address)')
    .argument('<file>', 'file name, e.g. SEP0011215A1AE3.cnf.xml.sgn')
    .option('--port <port>', 'server port (default 69, or 6970 with --http)')
    .option('--blksize <bytes>', `block size to ask for (${BLKSIZE_MIN}-${BLKSIZE_MAX}; default 1428)`)
    .option('--no-options', 'send a plain RFC 1350 request: no blksize/tsize/timeout options')
    .option('--timeout <seconds>', 'RFC 2349 timeout option to send (the server retransmission interval)')
    .option('--http', "read over the TFTP service's HTTP port instead (CUCM: 6970)")
    .option(
      '-o, --output <path>',
      'where to write the file ("-" = stdout; default: the file name in the current directory)',
    )
    .option('--max-bytes <n>', 'refuse files larger than this (default 16 MiB)')
    .option('--json', 'print a JSON summary on stdout')
    .action(
      runCommand(async (host: string, file: string, raw: Record<string, unknown>) => {
        const o = parseFlags(GetOptions, { ...raw, host, file }, ['host', 'file']);
        if (o.json && o.output === '-') throw new UsageError('--json and -o - both want stdout: choose one');
        const { data, summary } = await receive(o);
        const target = o.output ?? path.basename(o.file);
        if (target === '-') process.stdout.write(data);
        else writeFileSync(target, data);
        if (o.json) printJson({ ...summary, output: target });
        else process.stderr.write(describe(summary, target === '-' ? 'stdout' : target));
      }),
    );
}
