/**
 * Exact packet behaviour of the TFTP client against a hand-driven peer: transfer-ID lock and stray ports,
 * no re-send on duplicates (Sorcerer's Apprentice), ERROR 8 fallback, bounded retries, final "file not found".
 */
import { randomBytes } from 'node:crypto';
import { tftpGet } from '../../../devices/tftp/client';
import { ConfigFileNotFound, TftpProtocolError, TftpTimeout } from '../../../devices/tftp/errors';
import { encodeData, encodeError, encodeOack } from '../../../devices/tftp/packets';
import { startScriptedPeer, type Received, type ScriptedPeer } from './scripted-peer';

let peer: ScriptedPeer;

beforeEach(async () => {
  peer = await startScriptedPeer();
});

afterEach(() => peer.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isRrq = (r: Received) => r.packet.op === 'RRQ';
const acks = (block: number) =>
  peer.received.filter((r) => r.on === 'transfer' && r.packet.op === 'ACK' && r.packet.block === block);

test('locks onto the transfer ID, answers a stray port with ERROR 5 and carries on', async () => {
  const body = randomBytes(600);
  const pending = tftpGet({
    host: '127.0.0.1',
    port: peer.requestPort,
    file: 'SEP001122334455.cnf.xml',
    blksize: false,
  });
  const rrq = await peer.waitFor(isRrq);
  const client = rrq.from;
  peer.transfer.send(encodeData(1, body.subarray(0, 512)), client.port, client.address);
  await peer.waitFor((r) => r.on === 'transfer' && r.packet.op === 'ACK' && r.packet.block === 1);
  // Another port pretends to be the server: it gets ERROR 5, the transfer is not disturbed.
  peer.stray.send(encodeData(2, Buffer.from('forged')), client.port, client.address);
  const answer = await peer.waitFor((r) => r.on === 'stray');
  expect(answer.packet).toEqual({ op: 'ERROR', code: 5, message: 'Unknown transfer ID' });
  peer.transfer.send(encodeData(2, body.subarray(512)), client.port, client.address);
  const result = await pending;
  expect(result.data.equals(body)).toBe(true);
  expect(result.strays).toBe(1);
  expect(result.server.port).toBe(peer.transfer.address().port);
});

test("a duplicate DATA block is not answered: only the timer retransmits (Sorcerer's Apprentice)", async () => {
  const body = randomBytes(520);
  const pending = tftpGet({
    host: '127.0.0.1',
    port: peer.requestPort,
    file: 'f.bin',
    blksize: false,
    minTimeoutMs: 1500,
    initialTimeoutMs: 1500,
  });
  const { from: client } = await peer.waitFor(isRrq);
  const block1 = encodeData(1, body.subarray(0, 512));
  peer.transfer.send(block1, client.port, client.address);
  peer.transfer.send(block1, client.port, client.address);
  peer.transfer.send(block1, client.port, client.address);
  await sleep(400);
  expect(acks(1)).toHaveLength(1);
  // No DATA 2 arrives: the client's own timer sends ACK 1 again, once per timeout.
  await peer.waitFor(() => acks(1).length === 2, 5000);
  peer.transfer.send(encodeData(2, body.subarray(512)), client.port, client.address);
  const result = await pending;
  expect(result.data.equals(body)).toBe(true);
  expect(result.duplicates).toBe(2);
  expect(result.retransmits).toBe(1);
});

test('ERROR 8 to an options request: asks again without options and reads with 512', async () => {
  const pending = tftpGet({ host: '127.0.0.1', port: peer.requestPort, file: 'f.bin', blksize: 1428 });
  const first = await peer.waitFor(isRrq);
  expect(first.packet).toMatchObject({ op: 'RRQ', mode: 'octet', options: { blksize: '1428', tsize: '0' } });
  peer.transfer.send(encodeError(8, 'Option negotiation refused'), first.from.port, first.from.address);
  const second = await peer.waitFor((r) => isRrq(r) && r !== first);
  expect(second.packet).toMatchObject({ op: 'RRQ', options: {} });
  peer.transfer.send(encodeData(1, Buffer.from('<device/>')), second.from.port, second.from.address);
  const result = await pending;
  expect(result.data.toString()).toBe('<device/>');
  expect(result.oack).toBe(false);
});

test('an OACK with an option we did not ask for is refused with ERROR 8', async () => {
  const pending = tftpGet({ host: '127.0.0.1', port: peer.requestPort, file: 'f.bin', tsize: false });
  const rrq = await peer.waitFor(isRrq);
  peer.transfer.send(encodeOack({ blksize: 1428, windowsize: 16 }), rrq.from.port, rrq.from.address);
  await expect(pending).rejects.toBeInstanceOf(TftpProtocolError);
  const refusal = await peer.waitFor((r) => r.on === 'transfer' && r.packet.op === 'ERROR');
  expect(refusal.packet).toMatchObject({ code: 8 });
});

test('gives up after the retry cap with TftpTimeout, having sent exactly retries + 1 requests', async () => {
  const pending = tftpGet({
    host: '127.0.0.1',
    port: peer.requestPort,
    file: 'f.bin',
    retries: 2,
    initialTimeoutMs: 50,
    minTimeoutMs: 50,
    stallTimeoutMs: 0,
  });
  await expect(pending).rejects.toBeInstanceOf(TftpTimeout);
  await expect(pending).rejects.toThrow('f.bin: no answer to the request from 127.0.0.1 after 2 retransmissions');
  expect(peer.received.filter(isRrq)).toHaveLength(3);
});

test('"File not found" is final: one request, no retry', async () => {
  const pending = tftpGet({
    host: '127.0.0.1',
    port: peer.requestPort,
    file: 'SEP001122334455.cnf.xml.sgn',
    initialTimeoutMs: 50,
    minTimeoutMs: 50,
  });
  const rrq = await peer.waitFor(isRrq);
  peer.transfer.send(encodeError(1, 'File not found'), rrq.from.port, rrq.from.address);
  await expect(pending).rejects.toBeInstanceOf(ConfigFileNotFound);
  await sleep(300);
  expect(peer.received.filter(isRrq)).toHaveLength(1);
});

test('cancelling sends ERROR 0 to the server and rejects with the abort reason', async () => {
  const controller = new AbortController();
  const pending = tftpGet({
    host: '127.0.0.1',
    port: peer.requestPort,
    file: 'f.bin',
    blksize: false,
    signal: controller.signal,
  });
  const rrq = await peer.waitFor(isRrq);
  peer.transfer.send(encodeData(1, randomBytes(512)), rrq.from.port, rrq.from.address);
  await peer.waitFor((r) => r.on === 'transfer' && r.packet.op === 'ACK');
  controller.abort(new Error('activity cancelled'));
  await expect(pending).rejects.toThrow('activity cancelled');
  const notice = await peer.waitFor((r) => r.on === 'transfer' && r.packet.op === 'ERROR');
  expect(notice.packet).toEqual({ op: 'ERROR', code: 0, message: 'Transfer cancelled' });
});

test('bad arguments never reach the wire', async () => {
  await expect(tftpGet({ host: '127.0.0.1', port: peer.requestPort, file: 'a b' })).rejects.toThrow(/printable ASCII/);
  await expect(tftpGet({ host: '127.0.0.1', port: peer.requestPort, file: 'f', blksize: 4 })).rejects.toThrow(
    /blksize must be an integer from 8 to 65464/,
  );
  await sleep(100);
  expect(peer.received).toHaveLength(0);
});
