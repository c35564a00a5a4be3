/**
 * TFTP read client (RFC 1350, RFC 1123 §4.2.3, options per RFC 2347/2348/2349) for CUCM config files.
 *
 * - Works with and without an OACK: a server that ignores options answers with DATA 1 and we fall back to 512.
 * - Locks onto the server's transfer ID (address + port of its first reply); packets from any other port get
 *   ERROR 5 and the transfer goes on.
 * - Never sends anything because of a duplicate: retransmission is driven only by our own timer (the
 *   Sorcerer's Apprentice fix of RFC 1123). The one exception is dallying after the last ACK, when re-ACKing the
 *   server's retransmitted final block is the only way to let it finish.
 * - Adaptive timeout (smoothed RTT, Karn's rule) with exponential backoff and a cap on consecutive timeouts.
 * - "File not found" is final; a size cap protects the caller.
 * No Temporal imports: activities wrap this.
 */
import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { InvalidInput, TransportError } from '../errors';
import {
  BLKSIZE_MAX,
  BLKSIZE_MIN,
  DEFAULT_BLKSIZE,
  encodeAck,
  encodeError,
  encodeReadRequest,
  ETHERNET_BLKSIZE,
  MalformedPacket,
  decodePacket,
  nextBlock,
  TFTP_ERROR,
  TIMEOUT_MAX_S,
  TIMEOUT_MIN_S,
  type TftpPacket,
} from './packets';
import {
  ConfigFileNotFound,
  FileTooLarge,
  TftpProtocolError,
  TftpRefused,
  TftpServerBusy,
  TftpTimeout,
} from './errors';

export interface TftpGetOptions {
  host: string;
  /** Server request port (69 on CUCM). */
  port?: number;
  file: string;
  /** Requested block size (RFC 2348). `false` sends a plain RFC 1350 request without any option. */
  blksize?: number | false;
  /** Ask for the file size (RFC 2349 tsize) so an oversized file is refused before it is sent. */
  tsize?: boolean;
  /** RFC 2349 timeout option in seconds: the server's retransmission interval. Not sent unless given. */
  timeoutSeconds?: number;
  /** Timeout before the first round-trip sample exists. */
  initialTimeoutMs?: number;
  /** Floor and ceiling of the adaptive timeout. */
  minTimeoutMs?: number;
  maxTimeoutMs?: number;
  /** Consecutive timeouts without progress before giving up… */
  retries?: number;
  /**
   * …but never before this long without progress: only the server's own timer recovers a lost DATA block, so a
   * small adaptive timeout must not run out of retries before the server retransmits. Default: 5 server
   * intervals (the negotiated `timeout`, else the customary 1 s).
   */
  stallTimeoutMs?: number;
  /** Refuse files larger than this. */
  maxBytes?: number;
  /** How long to stay after the last ACK to re-ACK a retransmitted final block. */
  dallyMs?: number;
  signal?: AbortSignal;
}

export interface TftpGetResult {
  file: string;
  data: Buffer;
  /** Block size in use: the negotiated one, or 512 when the server sent no OACK. */
  blksize: number;
  oack: boolean;
  /** Size announced by the server (tsize), when it did. */
  tsize?: number;
  /** The server's transfer ID. */
  server: { address: string; port: number };
  retransmits: number;
  /** Duplicate packets received and ignored. */
  duplicates: number;
  /** Packets from foreign ports answered with ERROR 5. */
  strays: number;
  elapsedMs: number;
}

const DEFAULTS = {
  port: 69,
  initialTimeoutMs: 1000,
  minTimeoutMs: 100,
  maxTimeoutMs: 8000,
  retries: 5,
  maxBytes: 16 * 1024 * 1024,
};

type Settings = Required<
  Omit<TftpGetOptions, 'signal' | 'timeoutSeconds' | 'dallyMs' | 'blksize' | 'stallTimeoutMs'>
> & {
  blksize: number | false;
  stallTimeoutMs: number;
  timeoutSeconds?: number;
  dallyMs?: number;
  signal?: AbortSignal;
};

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInput(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

/** Bad arguments never reach the wire. */
function settingsFrom(opts: TftpGetOptions): Settings {
  const s = { ...DEFAULTS, tsize: true, blksize: ETHERNET_BLKSIZE, ...stripUndefined(opts) } as Settings;
  s.stallTimeoutMs ??= 5 * 1000 * (s.timeoutSeconds ?? 1);
  // Printable ASCII only: TFTP file names are netascii, and this string also becomes a log line.
  if (!/^[\x21-\x7e]{1,255}$/.test(s.file)) {
    throw new InvalidInput('TFTP file name must be 1-255 printable ASCII characters without spaces');
  }
  checkInteger('port', s.port, 1, 65535);
  if (s.blksize !== false) checkInteger('blksize', s.blksize, BLKSIZE_MIN, BLKSIZE_MAX);
  if (s.timeoutSeconds !== undefined) checkInteger('timeout', s.timeoutSeconds, TIMEOUT_MIN_S, TIMEOUT_MAX_S);
  checkInteger('retries', s.retries, 0, 50);
  checkInteger('maxBytes', s.maxBytes, 0, 2 ** 31);
  return s;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function requestOptions(s: Settings): Record<string, number> {
  if (s.blksize === false) return {};
  const options: Record<string, number> = { blksize: s.blksize };
  if (s.timeoutSeconds !== undefined) options.timeout = s.timeoutSeconds;
  if (s.tsize) options.tsize = 0;
  return options;
}

async function resolveServer(host: string): Promise<string> {
  try {
    return (await lookup(host, { family: 4 })).address;
  } catch (err) {
    throw new TransportError(`cannot resolve TFTP server ${host}: ${(err as Error).message}`);
  }
}

function openSocket(): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

/** Map a server ERROR packet to our typed errors. */
function serverError(file: string, code: number, message: string): Error {
  const text = `TFTP error ${code}${message ? `: ${message}` : ''}`;
  if (code === TFTP_ERROR.fileNotFound) return new ConfigFileNotFound(file, text);
  if (code === TFTP_ERROR.notDefined) return new TftpServerBusy(`${file}: server cannot serve now (${text})`);
  return new TftpRefused(`${file}: server refused the transfer (${text})`, code);
}

/** Smoothed round-trip estimate (RFC 6298 arithmetic) giving the retransmission timeout. */
class RetransmitTimer {
  private srtt?: number;
  private rttvar = 0;
  rto: number;

  constructor(private readonly s: Settings) {
    this.rto = s.initialTimeoutMs;
  }

  sample(ms: number): void {
    if (this.srtt === undefined) {
      this.srtt = ms;
      this.rttvar = ms / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - ms);
      this.srtt = 0.875 * this.srtt + 0.125 * ms;
    }
    this.rto = this.clamp(this.srtt + Math.max(1, 4 * this.rttvar));
  }

  backoff(): void {
    this.rto = this.clamp(this.rto * 2);
  }

  /** Progress without a valid sample: drop the backoff but keep the estimate (RFC 6298 §5.7). */
  resetBackoff(): void {
    this.rto = this.srtt === undefined ? this.s.initialTimeoutMs : this.clamp(this.srtt + Math.max(1, 4 * this.rttvar));
  }

  private clamp(ms: number): number {
    return Math.min(this.s.maxTimeoutMs, Math.max(this.s.minTimeoutMs, ms));
  }
}

/** One read transfer: the state machine of the receiving side of lock-step TFTP. */
class ReadTransfer {
  private tid?: { address: string; port: number };
  private options: Record<string, number>;
  private expected = 1;
  private blksize = DEFAULT_BLKSIZE;
  private oack = false;
  private tsize?: number;
  private chunks: Buffer[] = [];
  private received = 0;
  private lastSent!: Buffer;
  private sentAt = 0;
  private sentOnce = true;
  private timeouts = 0;
  private lastProgressAt = Date.now();
  private retransmits = 0;
  private duplicates = 0;
  private strays = 0;
  private finalBlock?: number;
  private timer?: NodeJS.Timeout;
  private readonly rtt: RetransmitTimer;
  private readonly started = Date.now();
  private settle!: { resolve: (r: TftpGetResult) => void; reject: (e: unknown) => void };
  private finished = false;

  constructor(
    private readonly socket: dgram.Socket,
    private readonly serverAddress: string,
    private readonly s: Settings,
  ) {
    this.rtt = new RetransmitTimer(s);
    this.options = requestOptions(s);
  }

  run(): Promise<TftpGetResult> {
    return new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
      this.socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
      this.socket.on('error', (err) => this.fail(new TransportError(`TFTP socket error: ${err.message}`)));
      if (this.s.signal) {
        if (this.s.signal.aborted) return this.abort();
        this.s.signal.addEventListener('abort', this.onAbort, { once: true });
      }
      this.sendRequest();
    });
  }

  private sendRequest(): void {
    this.send(encodeReadRequest(this.s.file, 'octet', this.options), {
      address: this.serverAddress,
      port: this.s.port,
    });
  }

  /** Send a packet that our timer may retransmit. */
  private send(packet: Buffer, to: { address: string; port: number }): void {
    this.lastSent = packet;
    this.sentAt = Date.now();
    this.sentOnce = true;
    this.socket.send(packet, to.port, to.address);
    this.arm();
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.onTimeout(), this.rtt.rto);
  }

  private onTimeout(): void {
    if (this.finished) return;
    this.timeouts += 1;
    if (this.timeouts > this.s.retries && Date.now() - this.lastProgressAt >= this.s.stallTimeoutMs) {
      const where = this.tid ? `after block ${(this.expected - 1) & 0xffff}` : 'to the request';
      this.fail(
        new TftpTimeout(
          `${this.s.file}: no answer ${where} from ${this.serverAddress} after ${this.timeouts - 1} retransmissions`,
        ),
      );
      return;
    }
    this.rtt.backoff();
    this.retransmits += 1;
    this.sentOnce = false;
    const to = this.tid ?? { address: this.serverAddress, port: this.s.port };
    this.socket.send(this.lastSent, to.port, to.address);
    this.arm();
  }

  /** A reply to a packet sent only once is a valid round-trip sample (Karn's rule). */
  private progress(): void {
    if (this.sentOnce) this.rtt.sample(Date.now() - this.sentAt);
    else this.rtt.resetBackoff();
    this.timeouts = 0;
    this.lastProgressAt = Date.now();
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.finished) return this.dally(msg, rinfo);
    if (this.isForeign(rinfo)) return this.answerStray(msg, rinfo);
    let packet: TftpPacket;
    try {
      packet = decodePacket(msg);
    } catch (err) {
      if (!this.tid) return; // noise before we locked onto a transfer
      return this.abortWith(
        TFTP_ERROR.illegalOperation,
        'Illegal TFTP operation',
        new TftpProtocolError(`${this.s.file}: ${(err as MalformedPacket).message}`),
      );
    }
    switch (packet.op) {
      case 'ERROR':
        return this.onServerError(packet.code, packet.message);
      case 'OACK':
        this.tid ??= { address: rinfo.address, port: rinfo.port };
        return this.onOack(packet.options);
      case 'DATA':
        this.tid ??= { address: rinfo.address, port: rinfo.port };
        return this.onData(packet.block, packet.data);
      default:
        return this.abortWith(
          TFTP_ERROR.illegalOperation,
          'Illegal TFTP operation',
          new TftpProtocolError(`${this.s.file}: server sent ${packet.op}`),
        );
    }
  }

  /** Before the lock only the server's address counts; after it, only the exact transfer ID. */
  private isForeign(rinfo: dgram.RemoteInfo): boolean {
    if (this.tid) return rinfo.address !== this.tid.address || rinfo.port !== this.tid.port;
    return rinfo.address !== this.serverAddress;
  }

  private answerStray(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    this.strays += 1;
    // Never answer an ERROR with an ERROR (RFC 1350 §7).
    if (msg.length >= 2 && msg.readUInt16BE(0) === 5) return;
    this.socket.send(encodeError(TFTP_ERROR.unknownTid, 'Unknown transfer ID'), rinfo.port, rinfo.address);
  }

  private onServerError(code: number, message: string): void {
    // RFC 2347: a server that refuses options answers ERROR 8; the client may ask again without them.
    if (
      code === TFTP_ERROR.optionRefused &&
      Object.keys(this.options).length > 0 &&
      this.expected === 1 &&
      !this.oack
    ) {
      this.options = {};
      this.tid = undefined;
      this.timeouts = 0;
      return this.sendRequest();
    }
    this.fail(serverError(this.s.file, code, message));
  }

  private onOack(offered: Record<string, string>): void {
    if (this.oack || this.expected !== 1) {
      this.duplicates += 1; // a retransmitted OACK: our timer re-sends ACK 0 if it was lost
      return;
    }
    if (Object.keys(this.options).length === 0) {
      return this.abortWith(
        TFTP_ERROR.optionRefused,
        'No options were requested',
        new TftpProtocolError(`${this.s.file}: OACK to a request without options`),
      );
    }
    const problem = this.acceptOptions(offered);
    if (problem) return this.abortWith(problem.code, problem.message, problem.error);
    this.oack = true;
    this.progress();
    this.send(encodeAck(0), this.tid!);
  }

  /** RFC 2347: the server may only lower blksize, must echo timeout, and may not add options we did not ask for. */
  private acceptOptions(offered: Record<string, string>): { code: number; message: string; error: Error } | undefined {
    const refuse = (why: string) => ({
      code: TFTP_ERROR.optionRefused,
      message: why,
      error: new TftpProtocolError(`${this.s.file}: ${why}`),
    });
    for (const [name, value] of Object.entries(offered)) {
      if (!(name in this.options)) return refuse(`unrequested option ${name}`);
      if (!/^\d{1,10}$/.test(value)) return refuse(`bad ${name} value`);
      const n = Number(value);
      if (name === 'blksize') {
        if (n < BLKSIZE_MIN || n > this.options.blksize) return refuse(`blksize ${n} out of range`);
        this.blksize = n;
      }
      if (name === 'timeout' && n !== this.options.timeout)
        return refuse(`timeout ${n} differs from ${this.options.timeout}`);
      if (name === 'tsize') {
        if (n > this.s.maxBytes) {
          return {
            code: TFTP_ERROR.diskFull,
            message: 'File too large',
            error: new FileTooLarge(`${this.s.file}: ${n} bytes exceeds the cap of ${this.s.maxBytes}`),
          };
        }
        this.tsize = n;
      }
    }
    return undefined;
  }

  private onData(block: number, data: Buffer): void {
    if (block !== this.expected) {
      // A duplicate of what we already ACKed (or noise): our timer retransmits if our ACK was lost.
      this.duplicates += 1;
      return;
    }
    if (data.length > this.blksize) {
      return this.abortWith(
        TFTP_ERROR.illegalOperation,
        'Block larger than blksize',
        new TftpProtocolError(`${this.s.file}: block ${block} of ${data.length} bytes exceeds blksize ${this.blksize}`),
      );
    }
    if (this.received + data.length > this.s.maxBytes) {
      return this.abortWith(
        TFTP_ERROR.diskFull,
        'File too large',
        new FileTooLarge(`${this.s.file}: larger than the cap of ${this.s.maxBytes} bytes`),
      );
    }
    this.progress();
    this.chunks.push(data);
    this.received += data.length;
    if (data.length < this.blksize) return this.complete(block);
    this.expected = nextBlock(block);
    this.send(encodeAck(block), this.tid!);
  }

  private complete(block: number): void {
    if (this.tsize !== undefined && this.tsize !== this.received) {
      this.socket.send(encodeAck(block), this.tid!.port, this.tid!.address);
      return this.fail(
        new TftpProtocolError(
          `${this.s.file}: received ${this.received} bytes but tsize announced ${this.tsize} (TFTP Size Error)`,
        ),
      );
    }
    this.finalBlock = block;
    const result: TftpGetResult = {
      file: this.s.file,
      data: Buffer.concat(this.chunks, this.received),
      blksize: this.blksize,
      oack: this.oack,
      tsize: this.tsize,
      server: { ...this.tid! },
      retransmits: this.retransmits,
      duplicates: this.duplicates,
      strays: this.strays,
      elapsedMs: Date.now() - this.started,
    };
    this.finish();
    const dallyMs = this.s.dallyMs ?? Math.min(1000, Math.max(200, 4 * this.rtt.rto));
    // Close only once the final ACK has left the socket (closing first would drop it).
    this.socket.send(encodeAck(block), this.tid!.port, this.tid!.address, () => {
      if (dallyMs <= 0) return this.close();
      this.socket.unref();
      setTimeout(() => this.close(), dallyMs).unref();
    });
    this.settle.resolve(result);
  }

  /** After the last ACK: if the server did not get it, it sends the final block again; ACK it again. */
  private dally(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.finalBlock === undefined || !this.tid || this.isForeign(rinfo)) return;
    if (msg.length >= 4 && msg.readUInt16BE(0) === 3 && msg.readUInt16BE(2) === this.finalBlock) {
      this.socket.send(encodeAck(this.finalBlock), this.tid.port, this.tid.address);
    }
  }

  /** Tell the server why we stop (it would otherwise retransmit until its own timeout), then fail. */
  private abortWith(code: number, message: string, error: Error): void {
    const to = this.tid ?? { address: this.serverAddress, port: this.s.port };
    if (this.tid) this.socket.send(encodeError(code, message), to.port, to.address);
    this.fail(error);
  }

  private abort(): void {
    const reason = this.s.signal?.reason ?? new TransportError(`${this.s.file}: transfer cancelled`);
    if (this.tid)
      this.socket.send(encodeError(TFTP_ERROR.notDefined, 'Transfer cancelled'), this.tid.port, this.tid.address);
    this.fail(reason);
  }

  private readonly onAbort = () => this.abort();

  private finish(): void {
    this.finished = true;
    clearTimeout(this.timer);
    // One activity passes the same signal to thousands of reads: do not leave a listener behind for each.
    this.s.signal?.removeEventListener('abort', this.onAbort);
  }

  private fail(error: unknown): void {
    if (this.finished) return;
    this.finish();
    // Let a just-queued ERROR datagram leave before the socket closes.
    setImmediate(() => this.close());
    this.settle.reject(error);
  }

  private close(): void {
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}

/** Read one file from a TFTP server into memory. */
export async function tftpGet(options: TftpGetOptions): Promise<TftpGetResult> {
  const settings = settingsFrom(options);
  const address = await resolveServer(settings.host);
  const socket = await openSocket();
  return new ReadTransfer(socket, address, settings).run();
}
