/**
 * Interop with a real TFTP implementation from Debian, over loopback:
 * - our client reads byte-identical files from tftpd-hpa (`in.tftpd -L`, foreground, ephemeral port), with and
 *   without options, including an empty file, exact multiples of the block size and a few MB;
 * - the tftp-hpa client reads byte-identical files from our lab server (octet and netascii).
 * tftpd-hpa must start as root (it chroots with -s and drops to "nobody"); as another user it runs through `sudo -n`
 * (lab/tftp/tftpd-hpa.ts).
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { tftpGet } from '../../devices/tftp/client';
import { ConfigFileNotFound } from '../../devices/tftp/errors';
import { mapFileSource, startTftpLab, type TftpLab } from '../../lab/tftp';
import { requireTool, startTftpd, TFTP_CLIENT, type Tftpd } from '../../lab/tftp/tftpd-hpa';

const run = promisify(execFile);

const configText = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?>\n<device>\n<vpnGroup>\n<certHash1>5X6B6plUwUSXZnjQ4kGM33mpMXY=</certHash1>\n</vpnGroup>\n</device>\n',
);
const files: Record<string, Buffer> = {
  'empty.bin': Buffer.alloc(0),
  'exact-8x512.bin': randomBytes(8 * 512),
  'exact-5x1428.bin': randomBytes(5 * 1428),
  'SEP0011215A1AE3.cnf.xml.sgn': randomBytes(7431),
  'SEP0011215A1AE3.cnf.xml': configText,
  'firmware-3MB.bin': randomBytes(3 * 1024 * 1024 + 17),
};

describe('our client ↔ tftpd-hpa', () => {
  let dir: string;
  let tftpd: Tftpd;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'certroll-tftpd-'));
    chmodSync(dir, 0o755); // tftpd-hpa serves as "nobody": the directory and files must be world-readable
    for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(dir, name), bytes, { mode: 0o644 });
    tftpd = await startTftpd(dir, 'empty.bin');
  });

  afterAll(() => {
    tftpd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (file: string, extra: Partial<Parameters<typeof tftpGet>[0]> = {}) =>
    tftpGet({ host: '127.0.0.1', port: tftpd.port, file, ...extra });

  test.each(Object.keys(files))('%s with blksize 1428 + tsize (OACK): byte-identical', async (name) => {
    const r = await get(name);
    expect(r.oack).toBe(true);
    expect(r.blksize).toBe(1428);
    expect(r.tsize).toBe(files[name].length);
    expect(r.data.equals(files[name])).toBe(true);
  });

  test.each(Object.keys(files))('%s without options (RFC 1350, 512-byte blocks): byte-identical', async (name) => {
    const r = await get(name, { blksize: false });
    expect(r.oack).toBe(false);
    expect(r.blksize).toBe(512);
    expect(r.data.equals(files[name])).toBe(true);
  });

  test('large and odd block sizes and the timeout option are negotiated', async () => {
    for (const blksize of [8192, 65464, 513]) {
      const r = await get('firmware-3MB.bin', { blksize, timeoutSeconds: 2 });
      expect(r.blksize).toBe(blksize);
      expect(r.data.equals(files['firmware-3MB.bin'])).toBe(true);
    }
  });

  test('a missing file is ConfigFileNotFound from the real server too', async () => {
    await expect(get('SEP000000000000.cnf.xml')).rejects.toBeInstanceOf(ConfigFileNotFound);
  });
});

describe('tftp-hpa client ↔ our lab server', () => {
  let lab: TftpLab;
  let out: string;

  beforeAll(async () => {
    requireTool(TFTP_CLIENT, 'tftp-hpa');
    lab = await startTftpLab({ files: mapFileSource(new Map(Object.entries(files))) });
    out = mkdtempSync(path.join(os.tmpdir(), 'certroll-tftp-client-'));
  });

  afterAll(async () => {
    await lab.close();
    rmSync(out, { recursive: true, force: true });
  });

  /** One tftp-hpa process fetching every file in binary mode. */
  test('binary mode: every file byte-identical, in one client session', async () => {
    const commands = Object.keys(files)
      .map((name) => `get ${name} ${path.join(out, name)}`)
      .join('\n');
    await runTftp(['-m', 'binary', '127.0.0.1', String(lab.udp.port)], `${commands}\nquit\n`);
    for (const [name, bytes] of Object.entries(files))
      expect(readFileSync(path.join(out, name)).equals(bytes)).toBe(true);
    expect(lab.stats().served).toBeGreaterThanOrEqual(Object.keys(files).length);
  });

  test('netascii mode: the client turns our CR LF back into the original text', async () => {
    const local = path.join(out, 'ascii.cnf.xml');
    await run(TFTP_CLIENT, [
      '-m',
      'netascii',
      '127.0.0.1',
      String(lab.udp.port),
      '-c',
      'get',
      'SEP0011215A1AE3.cnf.xml',
      local,
    ]);
    expect(readFileSync(local).equals(configText)).toBe(true);
  });

  test('a missing file: the client prints the server\'s "File not found"', async () => {
    const { stdout, stderr } = await run(TFTP_CLIENT, [
      '-m',
      'binary',
      '127.0.0.1',
      String(lab.udp.port),
      '-c',
      'get',
      'nope.bin',
      path.join(out, 'nope.bin'),
    ]);
    expect(`${stdout}${stderr}`).toContain('Error code 1: File not found');
  });
});

function runTftp(args: string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(TFTP_CLIENT, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tftp exited ${code}: ${output}`))));
    child.stdin.end(input);
  });
}
