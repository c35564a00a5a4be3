/**
 * TFTP bench (`npm run bench:tftp`): figures from one run on this machine, not a test.
 *  1. files/s reading the same 1,000 CUCM-style config files, one after the other, from one tftpd-hpa server:
 *     our client (with options, and plain RFC 1350) against the tftp-hpa client (one process, sequential `get`s).
 *  2. verifyPhoneConfigs throughput for 10,000 lab phones at concurrency 3 (the inventory's TFTP slots), against
 *     the lab TFTP service serving the CUCM lab's files.
 * Needs Debian's tftpd-hpa and tftp-hpa (root or password-less sudo for in.tftpd).
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createPhoneActivities, type VerifyPhoneConfigsResult } from '../activities/phones';
import { validateInventory } from '../config/inventory';
import { parseCertificate } from '../devices/cert';
import { tftpGet } from '../devices/tftp/client';
import { asaIdentityCertificate, generatePhoneSpecs, startCucmLab } from '../lab/cucm';
import { mapFileSource, startTftpLab } from '../lab/tftp';
import { requireTool, startTftpd, TFTP_CLIENT } from '../lab/tftp/tftpd-hpa';

const FILES = 1000;
const PHONES = 10_000;
const SLOTS = 3;

function rate(count: number, ms: number): string {
  return `${((count * 1000) / ms).toFixed(0)} files/s (${count} in ${(ms / 1000).toFixed(2)} s)`;
}

/** Every phone's signed config, rendered once by the CUCM lab (RSA signing is the lab's cost, not the reader's). */
async function renderConfigs(count: number, certPem: string): Promise<Map<string, Buffer>> {
  const cucm = await startCucmLab({ phones: generatePhoneSpecs(count), vpn: { certificates: [certPem] } });
  try {
    const files = new Map<string, Buffer>();
    for (const { name } of cucm.listPhones()) files.set(`${name}.cnf.xml.sgn`, cucm.readFile(`${name}.cnf.xml.sgn`)!);
    return files;
  } finally {
    await cucm.close();
  }
}

async function timeOurClient(port: number, names: string[], blksize: number | false): Promise<number> {
  const started = Date.now();
  for (const file of names) await tftpGet({ host: '127.0.0.1', port, file, blksize, dallyMs: 0 });
  return Date.now() - started;
}

/** One tftp-hpa process reading every file in turn (commands on stdin), as an operator's script would. */
function timeTftpHpa(port: number, names: string[], outDir: string): Promise<number> {
  const script = ['binary', ...names.map((n) => `get ${n} ${path.join(outDir, n)}`), 'quit', ''].join('\n');
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(TFTP_CLIENT, ['127.0.0.1', String(port)], { stdio: ['pipe', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Date.now() - started) : reject(new Error(`tftp exited ${code}`)),
    );
    child.stdin.end(script);
  });
}

async function benchClients(files: Map<string, Buffer>): Promise<void> {
  requireTool(TFTP_CLIENT, 'tftp-hpa');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'certroll-bench-tftpd-'));
  const out = mkdtempSync(path.join(os.tmpdir(), 'certroll-bench-out-'));
  chmodSync(dir, 0o755);
  const names = [...files.keys()].slice(0, FILES);
  for (const name of names) writeFileSync(path.join(dir, name), files.get(name)!, { mode: 0o644 });
  const sizes = names.map((n) => files.get(n)!.length);
  const tftpd = await startTftpd(dir, names[0]);
  try {
    console.log(
      `\n1. ${FILES} config files (${Math.min(...sizes)}-${Math.max(...sizes)} bytes), sequential, from tftpd-hpa on loopback`,
    );
    await timeOurClient(tftpd.port, names.slice(0, 50), 1428); // warm-up
    // Two rounds, interleaved, so a burst of load on the machine does not favour one client.
    for (const round of [1, 2]) {
      console.log(`   round ${round} (load average ${os.loadavg()[0].toFixed(2)})`);
      const ours = await timeOurClient(tftpd.port, names, 1428);
      console.log(`     certroll client, blksize 1428 + tsize (OACK):      ${rate(FILES, ours)}`);
      const plain = await timeOurClient(tftpd.port, names, false);
      console.log(`     certroll client, plain RFC 1350 (512-byte blocks): ${rate(FILES, plain)}`);
      const hpa = await timeTftpHpa(tftpd.port, names, out);
      console.log(`     tftp-hpa client, one process, binary mode:         ${rate(FILES, hpa)}`);
    }
  } finally {
    tftpd.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
}

async function benchVerify(files: Map<string, Buffer>, expectedHash: string): Promise<void> {
  const lab = await startTftpLab({ files: mapFileSource(files) });
  try {
    const inventory = validateInventory({
      asa: {},
      cucm: {
        bench: {
          publisher: '127.0.0.1',
          axlVersion: '14.0',
          axlUser: 'axl',
          axlPassword: 'env:UNUSED',
          platformUser: 'admin',
          platformPassword: 'env:UNUSED',
          tls: { sha256: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU' },
          tftpServers: [{ host: '127.0.0.1', port: lab.udp.port, slots: SLOTS }],
        },
      },
      gateways: {},
    });
    const { verifyPhoneConfigs } = createPhoneActivities({ inventory, resolveSecret: () => '' });
    const names = [...files.keys()].map((f) => f.replace(/\.cnf\.xml\.sgn$/, ''));
    const started = Date.now();
    const result = (await new MockActivityEnvironment().run(verifyPhoneConfigs, {
      cluster: 'bench',
      names,
      expectedHash,
    })) as VerifyPhoneConfigsResult;
    const ms = Date.now() - started;
    console.log(
      `\n2. verifyPhoneConfigs, ${PHONES} lab phones, concurrency ${SLOTS} (TFTP, signed configs), lab TFTP service`,
    );
    console.log(
      `   ${((PHONES * 1000) / ms).toFixed(0)} phones/s (${(ms / 1000).toFixed(1)} s); verified ${result.counts.verified}, other ${PHONES - result.counts.verified}`,
    );
    // The server logs a transfer when its final ACK arrives, just after the client moved on.
    for (let i = 0; i < 100 && lab.stats().active > 0; i++) await new Promise((r) => setTimeout(r, 10));
    const stats = lab.stats();
    console.log(
      `   lab: served ${stats.served}; at most ${stats.activePeak} transfers open at once in the server's view ` +
        `(a transfer stays open there until its final ACK lands, which can be just after the client's next request)`,
    );
  } finally {
    await lab.close();
  }
}

async function main(): Promise<void> {
  console.log(`certroll TFTP bench — node ${process.version}, ${os.cpus().length} CPU(s) ${os.cpus()[0]?.model ?? ''}`);
  const asaCert = asaIdentityCertificate({ cn: 'vpn.example.com', dnsNames: ['vpn.example.com'] });
  const rendering = Date.now();
  const files = await renderConfigs(PHONES, asaCert.pem);
  console.log(
    `(rendered and signed ${PHONES} configs with the CUCM lab in ${((Date.now() - rendering) / 1000).toFixed(1)} s)`,
  );
  await benchClients(files);
  await benchVerify(files, parseCertificate(asaCert.pem).sha1Base64);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
