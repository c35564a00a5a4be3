/**
 * `certroll phone-config`: the seed's "download the phone's config and compare the hash" step, done for the
 * operator. Reads a local `SEP<MAC>.cnf.xml(.sgn)` or fetches it from CUCM's TFTP service, prints the vpnGroup
 * (URLs, auth method, host-ID check, every certHash in base64 and hex) and, with --expect, says whether the
 * expected certificate's hash is among them (exit 0 match, 1 mismatch or cannot verify, 2 bad input).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { parseCertificate, sha1Forms } from '../../devices/cert';
import {
  checkCertHash,
  readPhoneConfig,
  type CertHashVerdict,
  type PhoneConfigReadout,
  type VpnGroup,
} from '../../devices/phone-config';
import { fetchPhoneConfig } from '../../devices/tftp/fetch-phone-config';
import { EXIT_FAILURE, printJson, runCommand, UsageError } from '../exit';
import { parseFlags } from '../flags';
import { HOST, int } from './tftp';

const MAC = /^(?:SEP)?([0-9A-Fa-f]{2}(?:[:.-]?[0-9A-Fa-f]{2}){5})$/;

const Options = z
  .object({
    file: z.string().min(1).optional(),
    tftp: HOST.optional(),
    mac: z.string().regex(MAC, 'expected a MAC such as 0011215A1AE3, 00:11:21:5a:1a:e3 or SEP0011215A1AE3').optional(),
    port: int(1, 65535).optional(),
    http: z.boolean().optional(),
    expect: z.string().min(1).optional(),
    json: z.boolean().optional(),
  })
  .refine(
    (o) => (o.file === undefined) !== (o.tftp === undefined),
    'give either a config <file> or --tftp <host> --mac <MAC>',
  )
  .refine((o) => o.tftp === undefined || o.mac !== undefined, '--tftp needs --mac');
type Options = z.infer<typeof Options>;

/** `SEP` + 12 upper-case hex digits, whatever separators the operator typed. */
export function deviceNameFromMac(mac: string): string {
  const m = MAC.exec(mac.trim());
  if (!m) throw new UsageError(`not a MAC address: ${mac}`);
  return `SEP${m[1].replace(/[:.-]/g, '').toUpperCase()}`;
}

/** --expect takes a hash (base64 or hex) or a certificate file (PEM/DER): the certHash is its base64 SHA-1. */
function expectedHash(value: string): { sha1Base64: string; sha1Hex: string; from: string } {
  if (existsSync(value)) {
    const cert = parseCertificate(readFileSync(value));
    return { sha1Base64: cert.sha1Base64, sha1Hex: cert.sha1Hex, from: `certificate ${value}` };
  }
  try {
    const forms = sha1Forms(value);
    return { ...forms, from: `${forms.input} hash` };
  } catch {
    throw new UsageError(`--expect: ${value} is neither a SHA-1 hash (base64 or hex) nor a certificate file`);
  }
}

async function loadConfig(o: Options): Promise<{ source: string; readout: PhoneConfigReadout }> {
  if (o.file) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(o.file);
    } catch (err) {
      throw new UsageError(`cannot read ${o.file}: ${(err as Error).message}`);
    }
    return { source: o.file, readout: readPhoneConfig(bytes, path.basename(o.file)) };
  }
  const channel = o.http ? 'http' : 'tftp';
  const server =
    channel === 'http' ? { host: o.tftp!, httpPort: o.port ?? 6970 } : { host: o.tftp!, port: o.port ?? 69 };
  const fetched = await fetchPhoneConfig(server, deviceNameFromMac(o.mac!), { channel });
  const port = channel === 'http' ? server.httpPort : server.port;
  return {
    source: `${channel}://${o.tftp}:${port}/${fetched.file}`,
    readout: readPhoneConfig(fetched.bytes, fetched.file),
  };
}

const AUTH_TEXT: Record<string, string> = {
  certificate: 'certificate',
  'user-and-password': 'user name and password',
  'password-only': 'password only',
  unknown: 'unknown',
};

const onOff = (b: boolean | undefined) => (b === undefined ? '-' : b ? 'on' : 'off');

function vpnGroupLines(v: VpnGroup): string[] {
  return [
    'vpnGroup:',
    `  URLs:                ${v.urls.join(', ') || '(none)'}`,
    `  auth method:         ${v.authMethod ?? '-'} (${AUTH_TEXT[v.authMethodName]})`,
    `  host ID check:       ${onOff(v.enableHostIDCheck)}`,
    `  password persistent: ${onOff(v.pswdPersistent)}`,
    `  auto network detect: ${onOff(v.autoNetDetect)}`,
    `  MTU:                 ${v.mtu ?? '-'}`,
    `  fail connect time:   ${v.failConnectTime ?? '-'} s`,
    `  hashAlg:             ${v.hashAlg ?? '-'}${v.hashAlg === 0 ? ' (SHA-1)' : ''}`,
    ...(v.certHashes.length === 0
      ? ['  certHash:            (none)']
      : v.certHashes.map((h) => `  certHash${h.index}:           ${h.base64}  ${h.hex ?? '(not a SHA-1)'}`)),
  ];
}

function readoutLines(source: string, r: PhoneConfigReadout): string[] {
  const signer = r.sgn?.signerName ? `, signed by ${r.sgn.signerName}` : '';
  const head = `${source} (${r.format}${signer})`;
  if (r.kind !== 'config') return [`${head}: ${r.kind}: ${r.reason}`];
  const lines = [`${head}`];
  if (r.loadInformation) lines.push(`load: ${r.loadInformation}`);
  return [...lines, ...(r.vpnGroup ? vpnGroupLines(r.vpnGroup) : ['no <vpnGroup>: this phone has no VPN settings'])];
}

function verdictLine(expected: ReturnType<typeof expectedHash>, verdict: CertHashVerdict): string {
  const what = `expected ${expected.sha1Base64} (${expected.sha1Hex}, from ${expected.from})`;
  if (verdict.state === 'verified') return `${what}: MATCH (certHash${verdict.matchedIndex})`;
  if (verdict.state === 'stale') return `${what}: MISMATCH: ${verdict.detail}`;
  return `${what}: cannot verify: ${verdict.detail}`;
}

export function registerPhoneConfig(program: Command): void {
  program
    .command('phone-config')
    .description(
      "read a phone's config (file or from CUCM's TFTP service) and show its vpnGroup and certificate hashes",
    )
    .argument('[file]', 'a SEP<MAC>.cnf.xml, .cnf.xml.sgn or .enc.sgn file')
    .option('--tftp <host>', 'fetch the config from this TFTP server instead (what the phone downloads)')
    .option('--mac <MAC>', 'the phone to fetch with --tftp')
    .option('--port <port>', 'TFTP port (69), or HTTP port with --http (6970)')
    .option('--http', "fetch over the TFTP service's HTTP port instead of TFTP")
    .option('--expect <hash|cert.pem>', 'say whether this hash (base64 or hex) or certificate is among the certHashes')
    .option('--json', 'print JSON')
    .action(
      runCommand(async (file: string | undefined, raw: Record<string, unknown>) => {
        const o = parseFlags(Options, { ...raw, file }, ['file']);
        const expected = o.expect === undefined ? undefined : expectedHash(o.expect);
        const { source, readout } = await loadConfig(o);
        const verdict = expected ? checkCertHash(readout, expected.sha1Base64) : undefined;
        if (o.json) {
          printJson({ source, ...readout, ...(expected && verdict ? { expected: { ...expected, ...verdict } } : {}) });
        } else {
          const lines = readoutLines(source, readout);
          if (expected && verdict) lines.push(verdictLine(expected, verdict));
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        if (verdict) return verdict.state === 'verified' ? 0 : EXIT_FAILURE;
        return readout.kind === 'unreadable' ? EXIT_FAILURE : 0;
      }),
    );
}
