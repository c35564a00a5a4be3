/**
 * TFTP wire format (RFC 1350) with option extension (RFC 2347 OACK; RFC 2348 blksize; RFC 2349 timeout, tsize).
 * Pure encode/decode, shared by the client (devices/tftp/client.ts) and the lab server (lab/tftp/).
 */

export const OPCODE = { RRQ: 1, WRQ: 2, DATA: 3, ACK: 4, ERROR: 5, OACK: 6 } as const;

/** RFC 1350 §5 error codes, plus 8 from RFC 2347. */
export const TFTP_ERROR = {
  notDefined: 0,
  fileNotFound: 1,
  accessViolation: 2,
  diskFull: 3,
  illegalOperation: 4,
  unknownTid: 5,
  fileExists: 6,
  noSuchUser: 7,
  optionRefused: 8,
} as const;

export const DEFAULT_BLKSIZE = 512;
/** RFC 2348 range. */
export const BLKSIZE_MIN = 8;
export const BLKSIZE_MAX = 65464;
/** 1500-byte Ethernet MTU minus IP, UDP and TFTP headers would be 1468; RFC 2348's own example asks for 1428. */
export const ETHERNET_BLKSIZE = 1428;
/** RFC 2349 timeout range, in seconds. */
export const TIMEOUT_MIN_S = 1;
export const TIMEOUT_MAX_S = 255;

export type TransferMode = 'octet' | 'netascii';

export type TftpPacket =
  | { op: 'RRQ' | 'WRQ'; file: string; mode: string; options: Record<string, string> }
  | { op: 'DATA'; block: number; data: Buffer }
  | { op: 'ACK'; block: number }
  | { op: 'ERROR'; code: number; message: string }
  | { op: 'OACK'; options: Record<string, string> };

/** A datagram that is not a TFTP packet (too short, unknown opcode, missing NUL terminator). */
export class MalformedPacket extends Error {
  readonly type = 'MalformedPacket';
}

function cString(text: string): Buffer {
  if (text.includes('\0')) throw new MalformedPacket('TFTP strings cannot contain NUL');
  return Buffer.concat([Buffer.from(text, 'latin1'), Buffer.from([0])]);
}

function header(op: number, extra: number): Buffer {
  const buf = Buffer.alloc(2 + extra);
  buf.writeUInt16BE(op, 0);
  return buf;
}

function optionBytes(options: Record<string, string | number>): Buffer[] {
  return Object.entries(options).flatMap(([k, v]) => [cString(k), cString(String(v))]);
}

export function encodeReadRequest(file: string, mode: TransferMode, options: Record<string, string | number> = {}) {
  return Buffer.concat([header(OPCODE.RRQ, 0), cString(file), cString(mode), ...optionBytes(options)]);
}

export function encodeWriteRequest(file: string, mode: TransferMode) {
  return Buffer.concat([header(OPCODE.WRQ, 0), cString(file), cString(mode)]);
}

export function encodeData(block: number, data: Buffer): Buffer {
  const head = header(OPCODE.DATA, 2);
  head.writeUInt16BE(block & 0xffff, 2);
  return Buffer.concat([head, data]);
}

export function encodeAck(block: number): Buffer {
  const buf = header(OPCODE.ACK, 2);
  buf.writeUInt16BE(block & 0xffff, 2);
  return buf;
}

export function encodeError(code: number, message: string): Buffer {
  const head = header(OPCODE.ERROR, 2);
  head.writeUInt16BE(code, 2);
  return Buffer.concat([head, cString(message)]);
}

export function encodeOack(options: Record<string, string | number>): Buffer {
  return Buffer.concat([header(OPCODE.OACK, 0), ...optionBytes(options)]);
}

/** Split a run of NUL-terminated strings; every string must be terminated. */
function readStrings(buf: Buffer, start: number): string[] {
  const out: string[] = [];
  let pos = start;
  while (pos < buf.length) {
    const end = buf.indexOf(0, pos);
    if (end < 0) throw new MalformedPacket('unterminated string in TFTP packet');
    out.push(buf.toString('latin1', pos, end));
    pos = end + 1;
  }
  return out;
}

/** Option names are case-insensitive (RFC 2347): keys come back lower-cased. */
function readOptions(pairs: string[]): Record<string, string> {
  if (pairs.length % 2 !== 0) throw new MalformedPacket('TFTP option without a value');
  const options: Record<string, string> = {};
  for (let i = 0; i < pairs.length; i += 2) options[pairs[i].toLowerCase()] = pairs[i + 1];
  return options;
}

export function decodePacket(buf: Buffer): TftpPacket {
  if (buf.length < 2) throw new MalformedPacket(`datagram of ${buf.length} bytes is too short for TFTP`);
  const op = buf.readUInt16BE(0);
  switch (op) {
    case OPCODE.RRQ:
    case OPCODE.WRQ: {
      const [file, mode, ...rest] = readStrings(buf, 2);
      if (file === undefined || mode === undefined) throw new MalformedPacket('request without file name or mode');
      return { op: op === OPCODE.RRQ ? 'RRQ' : 'WRQ', file, mode: mode.toLowerCase(), options: readOptions(rest) };
    }
    case OPCODE.DATA:
      if (buf.length < 4) throw new MalformedPacket('DATA packet without a block number');
      return { op: 'DATA', block: buf.readUInt16BE(2), data: buf.subarray(4) };
    case OPCODE.ACK:
      if (buf.length < 4) throw new MalformedPacket('ACK packet without a block number');
      return { op: 'ACK', block: buf.readUInt16BE(2) };
    case OPCODE.ERROR: {
      if (buf.length < 4) throw new MalformedPacket('ERROR packet without an error code');
      // Some servers omit the final NUL of the message: accept it rather than lose the reason.
      const end = buf.indexOf(0, 4);
      return { op: 'ERROR', code: buf.readUInt16BE(2), message: buf.toString('latin1', 4, end < 0 ? buf.length : end) };
    }
    case OPCODE.OACK:
      return { op: 'OACK', options: readOptions(readStrings(buf, 2)) };
    default:
      throw new MalformedPacket(`unknown TFTP opcode ${op}`);
  }
}

/** Block numbers are 16 bits; after 65535 they wrap to 0 (the common convention; RFC 1350 is silent). */
export function nextBlock(block: number): number {
  return (block + 1) & 0xffff;
}

/** Netascii (RFC 764): CR LF for a newline, CR NUL for a bare CR. */
export function toNetascii(data: Buffer): Buffer {
  const out: number[] = [];
  for (const byte of data) {
    if (byte === 0x0a) out.push(0x0d, 0x0a);
    else if (byte === 0x0d) out.push(0x0d, 0x00);
    else out.push(byte);
  }
  return Buffer.from(out);
}
