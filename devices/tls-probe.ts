/**
 * "What would a phone be shown?": a TLS ClientHello with a chosen cipher list and version, read up to the
 * server's Certificate message, then closed. The probe only records the presented chain and its hashes (the
 * phone itself compares the leaf's SHA-1 with its certHash list rather than validating a PKI), so it never
 * completes a handshake, never sends application data and never needs to switch certificate verification off.
 * TLS 1.0-1.2 only: in TLS 1.3 the certificate is encrypted, and phones speak 1.2 at most.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { CertificateFacts, certificateFacts, derToPem, parseCertificate } from './cert';
import { DeviceError, InvalidInput, TransportError } from './errors';

export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2';
export type ProbeProfile = 'phone' | 'ec';

const VERSION_CODES: Record<TlsVersion, number> = { TLSv1: 0x0301, 'TLSv1.1': 0x0302, 'TLSv1.2': 0x0303 };

/** IANA code points of the OpenSSL suite names the probe can offer. */
export const CIPHER_CODES: Record<string, number> = {
  'RC4-SHA': 0x0005,
  'DES-CBC3-SHA': 0x000a,
  'AES128-SHA': 0x002f,
  'DHE-RSA-AES128-SHA': 0x0033,
  'AES256-SHA': 0x0035,
  'DHE-RSA-AES256-SHA': 0x0039,
  'AES128-SHA256': 0x003c,
  'AES256-SHA256': 0x003d,
  'DHE-RSA-AES128-SHA256': 0x0067,
  'DHE-RSA-AES256-SHA256': 0x006b,
  'AES128-GCM-SHA256': 0x009c,
  'AES256-GCM-SHA384': 0x009d,
  'DHE-RSA-AES128-GCM-SHA256': 0x009e,
  'DHE-RSA-AES256-GCM-SHA384': 0x009f,
  'ECDHE-ECDSA-AES128-SHA': 0xc009,
  'ECDHE-ECDSA-AES256-SHA': 0xc00a,
  'ECDHE-RSA-AES128-SHA': 0xc013,
  'ECDHE-RSA-AES256-SHA': 0xc014,
  'ECDHE-ECDSA-AES128-SHA256': 0xc023,
  'ECDHE-ECDSA-AES256-SHA384': 0xc024,
  'ECDHE-RSA-AES128-SHA256': 0xc027,
  'ECDHE-RSA-AES256-SHA384': 0xc028,
  'ECDHE-ECDSA-AES128-GCM-SHA256': 0xc02b,
  'ECDHE-ECDSA-AES256-GCM-SHA384': 0xc02c,
  'ECDHE-RSA-AES128-GCM-SHA256': 0xc02f,
  'ECDHE-RSA-AES256-GCM-SHA384': 0xc030,
  'ECDHE-RSA-CHACHA20-POLY1305': 0xcca8,
  'ECDHE-ECDSA-CHACHA20-POLY1305': 0xcca9,
};

const NAME_OF_CODE = new Map(Object.entries(CIPHER_CODES).map(([n, c]) => [c, n]));

/**
 * The two clients the rollover cares about. `phone`: what the 7962G firmware 9.1.1 proposes (seed doc).
 * `ec`: a newer EC-capable phone, ECDHE-ECDSA first with RSA suites as fallback, which is the client the
 * 9.4+ ECDSA issue (CSCuu02848) hits.
 */
export const PROBE_PROFILES: Record<
  ProbeProfile,
  { ciphers: string[]; minVersion: TlsVersion; maxVersion: TlsVersion }
> = {
  phone: { ciphers: ['AES256-SHA', 'AES128-SHA'], minVersion: 'TLSv1', maxVersion: 'TLSv1.2' },
  ec: {
    ciphers: [
      'ECDHE-ECDSA-AES256-GCM-SHA384',
      'ECDHE-ECDSA-AES128-GCM-SHA256',
      'ECDHE-ECDSA-AES256-SHA384',
      'ECDHE-ECDSA-AES128-SHA256',
      'ECDHE-ECDSA-AES256-SHA',
      'ECDHE-ECDSA-AES128-SHA',
      'ECDHE-RSA-AES256-GCM-SHA384',
      'ECDHE-RSA-AES128-GCM-SHA256',
      'AES256-SHA',
      'AES128-SHA',
    ],
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
  },
};

export interface TlsProbeOptions {
  host: string;
  port: number;
  /** SNI; defaults to `host` when it is a name (never sent for IP addresses). */
  servername?: string;
  ciphers: string[];
  minVersion?: TlsVersion;
  maxVersion?: TlsVersion;
  timeoutMs?: number;
}

export interface TlsProbeResult {
  host: string;
  port: number;
  protocol: TlsVersion;
  /** OpenSSL name of the suite the server chose. */
  cipher: string;
  offered: string[];
  /** The leaf the server presented. */
  presented: CertificateFacts;
  /** Every certificate sent, leaf first. */
  chain: CertificateFacts[];
  chainLength: number;
}

const ALERTS: Record<number, string> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  40: 'handshake_failure',
  42: 'bad_certificate',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  50: 'decode_error',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  112: 'unrecognized_name',
};

/** The server refused the handshake (an alert, e.g. `handshake_failure` when no offered suite is enabled). */
export class TlsHandshakeRefused extends DeviceError {
  readonly type = 'TlsHandshakeRefused';
  readonly retryable = false;
  constructor(
    message: string,
    readonly alert: string,
  ) {
    super(message);
  }
}

const u8 = (n: number) => Buffer.from([n & 0xff]);
const u16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u24 = (n: number) => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
const vec16 = (b: Buffer) => Buffer.concat([u16(b.length), b]);
const ext = (type: number, body: Buffer) => Buffer.concat([u16(type), vec16(body)]);

function clientHello(opts: TlsProbeOptions, servername: string | undefined): Buffer {
  const suites = opts.ciphers.map((c) => CIPHER_CODES[c]);
  // TLS_EMPTY_RENEGOTIATION_INFO_SCSV: what real clients add; servers may insist on secure renegotiation.
  const cipherBytes = Buffer.concat([...suites.map(u16), u16(0x00ff)]);
  const extensions = [
    ext(0x000a, vec16(Buffer.concat([0x001d, 0x0017, 0x0018].map(u16)))), // supported_groups
    ext(0x000b, Buffer.from([1, 0])), // ec_point_formats: uncompressed
    ext(
      0x000d, // signature_algorithms
      vec16(
        Buffer.concat(
          [0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0203, 0x0201].map(u16),
        ),
      ),
    ),
  ];
  if (servername) {
    const name = Buffer.from(servername, 'ascii');
    extensions.unshift(ext(0x0000, vec16(Buffer.concat([u8(0), vec16(name)]))));
  }
  const body = Buffer.concat([
    u16(VERSION_CODES[opts.maxVersion ?? 'TLSv1.2']),
    randomBytes(32),
    u8(0),
    vec16(cipherBytes),
    Buffer.from([1, 0]),
    vec16(Buffer.concat(extensions)),
  ]);
  const handshake = Buffer.concat([u8(1), u24(body.length), body]);
  return Buffer.concat([u8(22), u16(0x0301), vec16(handshake)]);
}

function versionName(code: number): TlsVersion | undefined {
  return (Object.entries(VERSION_CODES) as [TlsVersion, number][]).find(([, c]) => c === code)?.[0];
}

function validate(opts: TlsProbeOptions): void {
  if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535)
    throw new InvalidInput('port must be 1-65535');
  if (opts.ciphers.length === 0) throw new InvalidInput('offer at least one cipher suite');
  const unknown = opts.ciphers.filter((c) => CIPHER_CODES[c] === undefined);
  if (unknown.length > 0) throw new InvalidInput(`the probe cannot offer: ${unknown.join(', ')}`);
  if (opts.servername !== undefined && !/^[A-Za-z0-9.-]{1,253}$/.test(opts.servername)) {
    throw new InvalidInput('servername must be a DNS name');
  }
}

export async function probeTls(opts: TlsProbeOptions): Promise<TlsProbeResult> {
  validate(opts);
  const servername = opts.servername ?? (net.isIP(opts.host) ? undefined : opts.host);
  const where = `${opts.host}:${opts.port}`;
  return new Promise<TlsProbeResult>((resolve, reject) => {
    const socket = net.connect({ host: opts.host, port: opts.port });
    let records = Buffer.alloc(0);
    let handshake = Buffer.alloc(0);
    let hello: { protocol: TlsVersion; cipher: string } | undefined;
    let settled = false;
    const finish = (err: Error | undefined, result?: TlsProbeResult) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (err) reject(err);
      else resolve(result!);
    };
    socket.setTimeout(opts.timeoutMs ?? 10_000, () =>
      finish(new TransportError(`TLS probe to ${where}: no certificate within ${opts.timeoutMs ?? 10_000} ms`)),
    );
    socket.on('connect', () => socket.write(clientHello(opts, servername)));
    socket.on('error', (err) => finish(new TransportError(`TLS probe to ${where}: ${err.message}`)));
    socket.on('close', () =>
      finish(new TransportError(`TLS probe to ${where}: connection closed before the certificate`)),
    );
    socket.on('data', (chunk: Buffer) => {
      records = Buffer.concat([records, chunk]);
      try {
        while (records.length >= 5) {
          const length = records.readUInt16BE(3);
          if (records.length < 5 + length) break;
          const type = records[0];
          const fragment = records.subarray(5, 5 + length);
          records = records.subarray(5 + length);
          if (type === 21) {
            const alert = ALERTS[fragment[1]] ?? `alert ${fragment[1]}`;
            return finish(
              new TlsHandshakeRefused(
                `${where} refused the handshake offering ${opts.ciphers.join(':')}: ${alert}`,
                alert,
              ),
            );
          }
          if (type !== 22) throw new Error(`unexpected TLS record type ${type}`);
          handshake = Buffer.concat([handshake, fragment]);
          const done = readHandshake();
          if (done) return finish(undefined, done);
        }
      } catch (err) {
        finish(
          err instanceof DeviceError ? err : new TransportError(`TLS probe to ${where}: ${(err as Error).message}`),
        );
      }
    });

    function readHandshake(): TlsProbeResult | undefined {
      while (handshake.length >= 4) {
        const type = handshake[0];
        const length = handshake.readUIntBE(1, 3);
        if (handshake.length < 4 + length) return undefined;
        const body = handshake.subarray(4, 4 + length);
        handshake = handshake.subarray(4 + length);
        if (type === 2) hello = readServerHello(body);
        else if (type === 11) {
          if (!hello) throw new Error('Certificate before ServerHello');
          const chain = readCertificates(body);
          if (chain.length === 0) throw new Error('the server sent an empty certificate list');
          return {
            host: opts.host,
            port: opts.port,
            protocol: hello.protocol,
            cipher: hello.cipher,
            offered: [...opts.ciphers],
            presented: chain[0],
            chain,
            chainLength: chain.length,
          };
        } else if (type === 14) throw new Error('the server sent no certificate');
      }
      return undefined;
    }

    function readServerHello(body: Buffer): { protocol: TlsVersion; cipher: string } {
      const protocol = versionName(body.readUInt16BE(0));
      const sessionIdLength = body[34];
      const cipherCode = body.readUInt16BE(35 + sessionIdLength);
      const cipher = NAME_OF_CODE.get(cipherCode);
      if (!protocol) throw new Error(`unknown protocol version 0x${body.readUInt16BE(0).toString(16)}`);
      const min = VERSION_CODES[opts.minVersion ?? 'TLSv1'];
      if (VERSION_CODES[protocol] < min) throw new Error(`the server chose ${protocol}, below ${opts.minVersion}`);
      if (!cipher || !opts.ciphers.includes(cipher))
        throw new Error(`the server chose suite 0x${cipherCode.toString(16)}, which was not offered`);
      return { protocol, cipher };
    }
  });
}

function readCertificates(body: Buffer): CertificateFacts[] {
  const total = body.readUIntBE(0, 3);
  const out: CertificateFacts[] = [];
  let offset = 3;
  while (offset < 3 + total) {
    const length = body.readUIntBE(offset, 3);
    const der = body.subarray(offset + 3, offset + 3 + length);
    out.push(certificateFacts(parseCertificate(derToPem(der))));
    offset += 3 + length;
  }
  return out;
}

/** Probe as one of the standard clients. */
export function probeAs(
  profile: ProbeProfile,
  host: string,
  port: number,
  extra: { servername?: string; timeoutMs?: number } = {},
) {
  return probeTls({ host, port, ...PROBE_PROFILES[profile], ...extra });
}
