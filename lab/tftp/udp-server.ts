/**
 * The lab's Cisco TFTP service over UDP: RRQ on the request port, one ephemeral port (transfer ID) per transfer,
 * lock-step DATA/ACK with retransmission on its own timer only (never on a duplicate ACK), options per RFC
 * 2347/2348/2349 when the OACK knob is on, CUCM's serving slots and queue (serving-queue.ts).
 */
import dgram from 'node:dgram';
import {
  BLKSIZE_MAX,
  BLKSIZE_MIN,
  DEFAULT_BLKSIZE,
  decodePacket,
  encodeData,
  encodeError,
  encodeOack,
  TFTP_ERROR,
  TIMEOUT_MAX_S,
  TIMEOUT_MIN_S,
  toNetascii,
  type TftpPacket,
} from '../../devices/tftp/packets';
import type { ConfigFileSource, Endpoint } from '../contracts';
import type { LinkKnobs, LossyLink } from './lossy-link';
import type { ServingQueue } from './serving-queue';

export type TransferResult = 'ok' | 'not-found' | 'refused' | 'timeout' | 'aborted' | 'error';

export interface TransferRecord {
  file: string;
  /** The client's address:port. */
  from: string;
  channel: 'tftp' | 'http';
  result: TransferResult;
  at: string;
}

export interface TftpLabKnobs extends LinkKnobs {
  /** Answer options with an OACK (RFC 2347); off = behave like a server that ignores them (DATA 1, 512 bytes). */
  oack: boolean;
  /** File names answered with "File not found" even when CUCM has them. */
  missing: Set<string>;
  /** Retransmission interval when the client did not negotiate `timeout`; doubles on each retry. */
  retransmitMs: number;
  /** Retransmissions of one packet before the transfer is abandoned. */
  maxRetransmits: number;
  /** Largest block size the server agrees to. */
  maxBlksize: number;
}

/** CUCM's answer past the Maximum Serving Count; TAC 222878 sees "503" in TFTP traces, the text is ours. */
export const SERVING_COUNT_EXCEEDED = '503 Maximum Serving Count exceeded';

export interface UdpServerDeps {
  files: ConfigFileSource;
  knobs: TftpLabKnobs;
  queue: ServingQueue;
  link: LossyLink;
  record: (r: Omit<TransferRecord, 'at'>) => void;
  host: string;
}

interface Negotiated {
  oack: Record<string, number>;
  blksize: number;
  retransmitMs: number;
}

function negotiate(requested: Record<string, string>, knobs: TftpLabKnobs, size: number, mode: string): Negotiated {
  const result: Negotiated = { oack: {}, blksize: DEFAULT_BLKSIZE, retransmitMs: knobs.retransmitMs };
  if (!knobs.oack) return result;
  const int = (v: string | undefined) => (v !== undefined && /^\d{1,10}$/.test(v) ? Number(v) : undefined);
  const blksize = int(requested.blksize);
  if (blksize !== undefined && blksize >= BLKSIZE_MIN && blksize <= BLKSIZE_MAX) {
    result.blksize = Math.min(blksize, knobs.maxBlksize);
    result.oack.blksize = result.blksize;
  }
  const timeout = int(requested.timeout);
  if (timeout !== undefined && timeout >= TIMEOUT_MIN_S && timeout <= TIMEOUT_MAX_S) {
    result.oack.timeout = timeout;
    result.retransmitMs = timeout * 1000;
  }
  // The size of a netascii transfer is not the file size; like tftpd-hpa, only answer tsize for octet.
  if (requested.tsize !== undefined && mode === 'octet') result.oack.tsize = size;
  return result;
}

/** One transfer, on its own port: sends the file block by block and waits for each ACK. */
class OutgoingTransfer {
  private index = 0; // blocks sent so far (0 = OACK stage)
  private lastPacket!: Buffer;
  private lastWasFinal = false;
  private attempts = 0;
  private timer?: NodeJS.Timeout;
  private ended = false;

  constructor(
    private readonly socket: dgram.Socket,
    private readonly client: dgram.RemoteInfo,
    private readonly data: Buffer,
    private readonly negotiated: Negotiated,
    private readonly deps: UdpServerDeps,
    private readonly onEnd: (result: TransferResult) => void,
  ) {}

  /** The last block is out: a new request from the same client port means it already has the file. */
  get awaitingFinalAck(): boolean {
    return this.lastWasFinal;
  }

  start(): void {
    this.socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    if (Object.keys(this.negotiated.oack).length > 0) this.transmit(encodeOack(this.negotiated.oack), false);
    else this.sendNextBlock();
  }

  private sendNextBlock(): void {
    const size = this.negotiated.blksize;
    const offset = this.index * size;
    const chunk = this.data.subarray(offset, offset + size);
    this.index += 1;
    this.transmit(encodeData(this.index, chunk), chunk.length < size);
  }

  private transmit(packet: Buffer, final: boolean): void {
    this.lastPacket = packet;
    this.lastWasFinal = final;
    this.attempts = 0;
    this.deps.link.send(this.socket, packet, this.client.port, this.client.address);
    this.arm();
  }

  private arm(): void {
    clearTimeout(this.timer);
    const interval = this.negotiated.retransmitMs * 2 ** Math.min(this.attempts, 3);
    this.timer = setTimeout(() => this.onTimeout(), interval);
  }

  private onTimeout(): void {
    if (this.attempts >= this.deps.knobs.maxRetransmits) return this.end('timeout');
    this.attempts += 1;
    this.deps.link.send(this.socket, this.lastPacket, this.client.port, this.client.address);
    this.arm();
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.ended || this.deps.link.dropIncoming()) return;
    if (rinfo.address !== this.client.address || rinfo.port !== this.client.port) {
      if (msg.length >= 2 && msg.readUInt16BE(0) !== 5) {
        this.deps.link.send(
          this.socket,
          encodeError(TFTP_ERROR.unknownTid, 'Unknown transfer ID'),
          rinfo.port,
          rinfo.address,
        );
      }
      return;
    }
    let packet: TftpPacket;
    try {
      packet = decodePacket(msg);
    } catch {
      return this.refuse();
    }
    if (packet.op === 'ERROR') return this.end('aborted');
    if (packet.op !== 'ACK') return this.refuse();
    // Only the ACK of the block in flight moves the transfer; duplicates are ignored (Sorcerer's Apprentice).
    if (packet.block !== (this.index & 0xffff)) return;
    if (this.lastWasFinal) return this.end('ok');
    this.sendNextBlock();
  }

  private refuse(): void {
    this.deps.link.send(
      this.socket,
      encodeError(TFTP_ERROR.illegalOperation, 'Illegal TFTP operation'),
      this.client.port,
      this.client.address,
    );
    this.end('error');
  }

  end(result: TransferResult): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    // Give a just-queued datagram (with latency) time to leave before the port closes.
    setTimeout(() => this.socket.close(), this.deps.knobs.latencyMs + 20).unref();
    this.onEnd(result);
  }
}

export class TftpUdpServer {
  private socket?: dgram.Socket;
  /** Requests in progress by client endpoint: a retransmitted RRQ must not start a second transfer. */
  private readonly inProgress = new Map<string, { file: string; transfer?: OutgoingTransfer }>();
  private readonly transfers = new Set<OutgoingTransfer>();

  constructor(private readonly deps: UdpServerDeps) {}

  listen(port: number): Promise<Endpoint> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket('udp4');
      socket.once('error', reject);
      socket.on('message', (msg, rinfo) => this.onRequest(msg, rinfo));
      socket.bind(port, this.deps.host, () => {
        socket.off('error', reject);
        this.socket = socket;
        resolve({ host: this.deps.host, port: socket.address().port });
      });
    });
  }

  private reply(packet: Buffer, to: dgram.RemoteInfo): void {
    if (this.socket) this.deps.link.send(this.socket, packet, to.port, to.address);
  }

  private onRequest(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.deps.link.dropIncoming()) return;
    let packet: TftpPacket;
    try {
      packet = decodePacket(msg);
    } catch {
      return this.reply(encodeError(TFTP_ERROR.illegalOperation, 'Illegal TFTP operation'), rinfo);
    }
    if (packet.op === 'WRQ') return this.reply(encodeError(TFTP_ERROR.accessViolation, 'Access violation'), rinfo);
    if (packet.op !== 'RRQ') {
      if (packet.op !== 'ERROR') this.reply(encodeError(TFTP_ERROR.unknownTid, 'Unknown transfer ID'), rinfo);
      return;
    }
    if (packet.mode !== 'octet' && packet.mode !== 'netascii') {
      return this.reply(encodeError(TFTP_ERROR.illegalOperation, `Unsupported mode ${packet.mode}`), rinfo);
    }
    const key = `${rinfo.address}:${rinfo.port}`;
    if (this.isRetransmittedRequest(key, packet.file)) return;
    const request = { file: packet.file, mode: packet.mode, options: packet.options };
    const entry: { file: string; transfer?: OutgoingTransfer } = { file: packet.file };
    const accepted = this.deps.queue.enter((release) => this.serve(request, rinfo, entry, key, release));
    if (!accepted) {
      this.reply(encodeError(TFTP_ERROR.notDefined, SERVING_COUNT_EXCEEDED), rinfo);
      this.deps.record({ file: packet.file, from: key, channel: 'tftp', result: 'refused' });
      return;
    }
    this.inProgress.set(key, entry);
  }

  /**
   * The same file asked again from the same port while it is queued or being sent: the client's retransmission.
   * Clients that reuse one port for consecutive gets (tftp-hpa) may send the next RRQ before we saw the previous
   * final ACK: that one is a new request.
   */
  private isRetransmittedRequest(key: string, file: string): boolean {
    const current = this.inProgress.get(key);
    return current !== undefined && current.file === file && !current.transfer?.awaitingFinalAck;
  }

  /** Runs when a serving slot is free: the file is read now, so a queued request sees CUCM's latest build. */
  private serve(
    request: { file: string; mode: string; options: Record<string, string> },
    client: dgram.RemoteInfo,
    entry: { file: string; transfer?: OutgoingTransfer },
    key: string,
    release: () => void,
  ): void {
    let finished = false;
    const done = (result: TransferResult) => {
      if (finished) return;
      finished = true;
      if (this.inProgress.get(key) === entry) this.inProgress.delete(key);
      this.deps.record({ file: request.file, from: key, channel: 'tftp', result });
      release();
    };
    const stored = this.deps.knobs.missing.has(request.file) ? undefined : this.deps.files.readFile(request.file);
    const socket = dgram.createSocket('udp4');
    socket.on('error', () => done('error'));
    socket.bind(0, this.deps.host, () => {
      if (!stored) {
        this.deps.link.send(
          socket,
          encodeError(TFTP_ERROR.fileNotFound, 'File not found'),
          client.port,
          client.address,
        );
        setTimeout(() => socket.close(), this.deps.knobs.latencyMs + 20).unref();
        return done('not-found');
      }
      const data = request.mode === 'netascii' ? toNetascii(stored) : stored;
      const negotiated = negotiate(request.options, this.deps.knobs, data.length, request.mode);
      const transfer = new OutgoingTransfer(socket, client, data, negotiated, this.deps, (result) => {
        this.transfers.delete(transfer);
        done(result);
      });
      this.transfers.add(transfer);
      entry.transfer = transfer;
      transfer.start();
    });
  }

  close(): Promise<void> {
    for (const t of [...this.transfers]) t.end('aborted');
    return new Promise((resolve) => {
      if (!this.socket) return resolve();
      this.socket.close(() => resolve());
      this.socket = undefined;
    });
  }
}
