/**
 * Debian's tftpd-hpa (`in.tftpd`) run in the foreground on a loopback port, for interop tests and the TFTP
 * bench: a real TFTP implementation to hold our client against. It needs root (it chroots with -s and drops
 * to "nobody"); as another user it runs through password-less `sudo -n`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { accessSync, constants } from 'node:fs';
import { tftpGet } from '../../devices/tftp/client';

export const IN_TFTPD = '/usr/sbin/in.tftpd';
export const TFTP_CLIENT = '/usr/bin/tftp';

export interface Tftpd {
  port: number;
  child: ChildProcess;
  stop(): void;
}

export function requireTool(file: string, debianPackage: string): void {
  try {
    accessSync(file, constants.X_OK);
  } catch {
    throw new Error(`${file} is missing: install the Debian package ${debianPackage}`);
  }
}

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** The daemon is up when it serves `probeFile` (the port we picked may have been taken meanwhile). */
async function answers(port: number, child: ChildProcess, probeFile: string): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      await tftpGet({ host: '127.0.0.1', port, file: probeFile, initialTimeoutMs: 200, retries: 1, stallTimeoutMs: 0 });
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return false;
}

/** Serve `dir` (world-readable, holding `probeFile`) on 127.0.0.1:<ephemeral>. */
export async function startTftpd(dir: string, probeFile: string): Promise<Tftpd> {
  requireTool(IN_TFTPD, 'tftpd-hpa');
  const asRoot = process.getuid?.() === 0;
  if (!asRoot && spawnSync('sudo', ['-n', 'true']).status !== 0) {
    throw new Error('in.tftpd needs root (chroot, setuid to nobody): run as root or with password-less sudo');
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freeUdpPort();
    const args = ['-L', '-s', dir, '--address', `127.0.0.1:${port}`];
    const child = asRoot
      ? spawn(IN_TFTPD, args, { stdio: 'ignore' })
      : spawn('sudo', ['-n', IN_TFTPD, ...args], { stdio: 'ignore' });
    if (await answers(port, child, probeFile)) return { port, child, stop: () => child.kill() };
    child.kill();
  }
  throw new Error('in.tftpd did not start');
}
