/** Our TFTP client against our lab TFTP server over loopback UDP: options, no OACK, loss, missing files, slots. */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { tftpGet } from '../../../devices/tftp/client';
import { ConfigFileNotFound, FileTooLarge, TftpServerBusy } from '../../../devices/tftp/errors';
import {
  decodePacket,
  encodeAck,
  encodeReadRequest,
  encodeWriteRequest,
  type TftpPacket,
} from '../../../devices/tftp/packets';
import { mapFileSource, startTftpLab, type TftpLab } from '../../../lab/tftp';

const files = new Map<string, Buffer>([
  ['empty.cnf.xml', Buffer.alloc(0)],
  ['SEP000000000511.cnf.xml', randomBytes(511)],
  ['SEP000000000512.cnf.xml', randomBytes(512)],
  ['SEP000000001428.cnf.xml', randomBytes(1428 * 3)],
  ['SEP0000000C0FFE.cnf.xml', randomBytes(12_345)],
  ['big.bin', randomBytes(300_000)],
]);
for (let i = 0; i < 12; i++)
  files.set(`SEP0000000000${i.toString(16).toUpperCase().padStart(2, '0')}.cnf.xml.sgn`, randomBytes(6_000 + i * 97));

let lab: TftpLab;

/** The server logs a transfer when the final ACK arrives, just after the client has its file. */
async function waitUntil(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeEach(async () => {
  lab = await startTftpLab({ files: mapFileSource(files) });
});

afterEach(async () => {
  await lab.close();
});

const get = (file: string, extra: Partial<Parameters<typeof tftpGet>[0]> = {}) =>
  tftpGet({ host: lab.udp.host, port: lab.udp.port, file, ...extra });

test('negotiates blksize and tsize by OACK and returns byte-identical files of every edge size', async () => {
  for (const name of [
    'empty.cnf.xml',
    'SEP000000000511.cnf.xml',
    'SEP000000000512.cnf.xml',
    'SEP000000001428.cnf.xml',
    'big.bin',
  ]) {
    const result = await get(name);
    expect(result.data.equals(files.get(name)!)).toBe(true);
    expect(result.oack).toBe(true);
    expect(result.blksize).toBe(1428);
    expect(result.tsize).toBe(files.get(name)!.length);
  }
  const custom = await get('SEP0000000C0FFE.cnf.xml', { blksize: 700, timeoutSeconds: 2 });
  expect(custom.blksize).toBe(700);
  expect(custom.data.equals(files.get('SEP0000000C0FFE.cnf.xml')!)).toBe(true);
  await waitUntil(() => lab.stats().served === 6, 'the server logged 6 transfers');
  expect(lab.transferLog.map((r) => r.result)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
});

test('without dallying, the final ACK still leaves before the socket closes: the server completes', async () => {
  for (let i = 0; i < 8; i++) await get('SEP000000000511.cnf.xml', { dallyMs: 0 });
  await waitUntil(() => lab.stats().served === 8, 'the server logged 8 completed transfers');
  expect(lab.transferLog.every((r) => r.result === 'ok')).toBe(true);
});

test('a plain RFC 1350 request (no options) reads in 512-byte blocks', async () => {
  const result = await get('SEP0000000C0FFE.cnf.xml', { blksize: false });
  expect(result.oack).toBe(false);
  expect(result.blksize).toBe(512);
  expect(result.tsize).toBeUndefined();
  expect(result.data.equals(files.get('SEP0000000C0FFE.cnf.xml')!)).toBe(true);
});

test('without OACK from the server, falls back to 512 and still reads every size', async () => {
  lab.knobs.oack = false;
  for (const name of ['empty.cnf.xml', 'SEP000000000512.cnf.xml', 'SEP0000000C0FFE.cnf.xml']) {
    const result = await get(name);
    expect(result.oack).toBe(false);
    expect(result.blksize).toBe(512);
    expect(result.data.equals(files.get(name)!)).toBe(true);
  }
});

test('under 20 % packet loss each way, every file arrives intact through retransmissions', async () => {
  await lab.close();
  // Server retransmits after 300 ms (CUCM-like servers wait about 1 s); the client's adaptive timer stays shorter.
  lab = await startTftpLab({ files: mapFileSource(files), lossPercent: 20, retransmitMs: 300, seed: 7 });
  const names = [...files.keys()].filter((n) => n.endsWith('.sgn')).slice(0, 6);
  let retransmits = 0;
  for (const name of names) {
    const result = await get(name, { minTimeoutMs: 30, initialTimeoutMs: 300 });
    expect(result.data.equals(files.get(name)!)).toBe(true);
    retransmits += result.retransmits;
  }
  expect(lab.stats().dropped).toBeGreaterThan(5);
  expect(retransmits).toBeGreaterThan(0);
}, 60_000);

test('a missing file is final: ConfigFileNotFound after one request, no retries', async () => {
  lab.knobs.missing.add('SEP0000000C0FFE.cnf.xml');
  await expect(get('SEP0000000C0FFE.cnf.xml')).rejects.toBeInstanceOf(ConfigFileNotFound);
  await expect(get('SEPDEADBEEF0000.cnf.xml')).rejects.toThrow(
    /SEPDEADBEEF0000.cnf.xml: file not found \(TFTP error 1: File not found\)/,
  );
  expect(lab.transferLog.map((r) => [r.file, r.result])).toEqual([
    ['SEP0000000C0FFE.cnf.xml', 'not-found'],
    ['SEPDEADBEEF0000.cnf.xml', 'not-found'],
  ]);
  expect(lab.stats().notFound).toBe(2);
});

test('serves 5 transfers at once and queues the rest (CUCM serving slots)', async () => {
  lab.knobs.latencyMs = 20;
  const names = [...files.keys()].filter((n) => n.endsWith('.sgn'));
  const results = await Promise.all(names.map((n) => get(n)));
  results.forEach((r, i) => expect(r.data.equals(files.get(names[i])!)).toBe(true));
  await waitUntil(() => lab.stats().served === names.length, 'every transfer was logged');
  const stats = lab.stats();
  expect(stats.activePeak).toBe(5);
  expect(stats.queuedPeak).toBeGreaterThanOrEqual(names.length - 5 - 2);
  expect(stats.active + stats.queued).toBe(0);
});

test('past the Maximum Serving Count requests are refused with a retryable busy error', async () => {
  await lab.close();
  lab = await startTftpLab({ files: mapFileSource(files), servingSlots: 1, maxServingCount: 3, latencyMs: 30 });
  const names = [...files.keys()].filter((n) => n.endsWith('.sgn')).slice(0, 6);
  const outcomes = await Promise.allSettled(names.map((n) => get(n)));
  const refused = outcomes.filter((o) => o.status === 'rejected');
  expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(3);
  expect(refused).toHaveLength(3);
  for (const r of refused) {
    const err = (r as PromiseRejectedResult).reason;
    expect(err).toBeInstanceOf(TftpServerBusy);
    expect(err.retryable).toBe(true);
  }
  expect(lab.stats().refused).toBe(3);
});

test('the size cap refuses an oversized file, by tsize with OACK and while receiving without', async () => {
  await expect(get('big.bin', { maxBytes: 100_000 })).rejects.toBeInstanceOf(FileTooLarge);
  lab.knobs.oack = false;
  await expect(get('big.bin', { maxBytes: 100_000 })).rejects.toThrow(/larger than the cap of 100000 bytes/);
  // The server was told (ERROR 3) and did not keep retransmitting to the end of its retries.
  await new Promise((r) => setTimeout(r, 100));
  expect(lab.transferLog.map((r) => r.result)).toEqual(['aborted', 'aborted']);
});

test('HTTP 6970 serves the same bytes; a missing file is 404 → ConfigFileNotFound', async () => {
  const { httpGetFile } = await import('../../../devices/tftp/http-6970');
  const name = 'SEP0000000C0FFE.cnf.xml';
  const viaHttp = await httpGetFile({ host: lab.http.host, port: lab.http.port, file: name });
  expect(viaHttp.data.equals(files.get(name)!)).toBe(true);
  await expect(
    httpGetFile({ host: lab.http.host, port: lab.http.port, file: 'SEP111111111111.cnf.xml' }),
  ).rejects.toBeInstanceOf(ConfigFileNotFound);
  const list = await httpGetFile({ host: lab.http.host, port: lab.http.port, file: 'ConfigFileCacheList.txt' });
  expect(list.data.toString().split('\r\n')).toContain(name);
  await expect(httpGetFile({ host: lab.http.host, port: lab.http.port, file: '../etc/passwd' })).rejects.toThrow(
    /segments/,
  );
});

describe('lab server request handling (raw client socket)', () => {
  let socket: dgram.Socket;
  const inbox: Array<{ packet: TftpPacket; port: number }> = [];

  beforeEach(async () => {
    inbox.length = 0;
    socket = dgram.createSocket('udp4');
    socket.on('message', (msg, rinfo) => inbox.push({ packet: decodePacket(msg), port: rinfo.port }));
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  });

  afterEach(() => socket.close());

  const send = (packet: Buffer, port = lab.udp.port) => socket.send(packet, port, '127.0.0.1');
  const until = (check: () => boolean) => waitUntil(check, 'the expected packets');

  test('a retransmitted RRQ does not start a second transfer', async () => {
    send(encodeReadRequest('SEP000000000512.cnf.xml', 'octet'));
    send(encodeReadRequest('SEP000000000512.cnf.xml', 'octet'));
    await until(() => inbox.length >= 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(inbox.map((m) => m.packet.op)).toEqual(['DATA']);
    send(encodeAck(1), inbox[0].port);
    await until(() => inbox.length === 2);
    send(encodeAck(2), inbox[0].port);
    await waitUntil(() => lab.stats().served === 1, 'the transfer completed');
    expect(lab.transferLog.map((r) => r.result)).toEqual(['ok']);
  });

  test('a new RRQ from the same port before the final ACK is a new request (tftp-hpa reuses its port)', async () => {
    send(encodeReadRequest('empty.cnf.xml', 'octet'));
    await until(() => inbox.length === 1);
    expect(inbox[0].packet).toEqual({ op: 'DATA', block: 1, data: Buffer.alloc(0) });
    send(encodeReadRequest('SEP000000000511.cnf.xml', 'octet'));
    send(encodeAck(1), inbox[0].port);
    await until(() => inbox.length === 2);
    expect(inbox[1].packet).toMatchObject({ op: 'DATA', block: 1 });
    expect(inbox[1].port).not.toBe(inbox[0].port);
  });

  test('write requests are refused (CUCM TFTP is read-only) and stray packets get ERROR 5', async () => {
    send(encodeWriteRequest('SEP000000000511.cnf.xml', 'octet'));
    send(encodeAck(7));
    await until(() => inbox.length === 2);
    expect(inbox.map((m) => m.packet)).toEqual([
      { op: 'ERROR', code: 2, message: 'Access violation' },
      { op: 'ERROR', code: 5, message: 'Unknown transfer ID' },
    ]);
  });
});
