/**
 * `certroll hash <file|hash>`: a certificate's SHA-1 as browsers show it (colon hex) and as the phone's config
 * carries it (base64, the certHash), plus SHA-256; or, given a hash in one form, the other form (the seed's
 * "decode the hash" step).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { Command } from 'commander';
import {
  certificateFacts,
  CertificateFacts,
  parseCertificate,
  sha1Forms,
  splitPemCertificates,
} from '../../devices/cert';
import { printJson, runCommand, UsageError } from '../exit';

const MAX_FILE = 1024 * 1024;

export type HashResult =
  | { kind: 'certificate'; file: string; certificates: Omit<CertificateFacts, 'pem'>[] }
  | { kind: 'sha1'; input: 'hex' | 'base64'; sha1Hex: string; sha1Base64: string }
  | { kind: 'sha256'; input: 'hex' | 'base64'; sha256Hex: string; sha256Base64: string };

function colonHex(buf: Buffer): string {
  return buf.toString('hex').toUpperCase().match(/../g)!.join(':');
}

function sha256Forms(text: string): HashResult | undefined {
  const hex = text.trim().replace(/[:\s-]/g, '');
  if (/^[0-9a-fA-F]{64}$/.test(hex)) {
    const buf = Buffer.from(hex, 'hex');
    return { kind: 'sha256', input: 'hex', sha256Hex: colonHex(buf), sha256Base64: buf.toString('base64') };
  }
  if (/^[A-Za-z0-9+/]{43}=?$/.test(text.trim())) {
    const buf = Buffer.from(text.trim(), 'base64');
    if (buf.length === 32)
      return { kind: 'sha256', input: 'base64', sha256Hex: colonHex(buf), sha256Base64: buf.toString('base64') };
  }
  return undefined;
}

function certificatesIn(file: string): Omit<CertificateFacts, 'pem'>[] {
  if (statSync(file).size > MAX_FILE) throw new UsageError(`${file}: larger than 1 MiB, not a certificate`);
  const bytes = readFileSync(file);
  const pems = splitPemCertificates(bytes.toString('latin1'));
  const infos = pems.length > 0 ? pems.map((p) => parseCertificate(p)) : [parseCertificate(bytes)];
  return infos.map((info) => {
    const { pem: _pem, ...facts } = certificateFacts(info);
    return facts;
  });
}

export function hashOf(input: string): HashResult {
  if (existsSync(input) && statSync(input).isFile())
    return { kind: 'certificate', file: input, certificates: certificatesIn(input) };
  try {
    return { kind: 'sha1', ...sha1Forms(input) };
  } catch {
    const sha256 = sha256Forms(input);
    if (sha256) return sha256;
  }
  throw new UsageError(
    `${input}: neither a certificate file (PEM/DER) nor a SHA-1 (40 hex digits or 28 base64 characters) or SHA-256 hash`,
  );
}

function printText(r: HashResult): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  if (r.kind === 'sha1') {
    out(`SHA-1 hex (browser fingerprint):   ${r.sha1Hex}`);
    out(`SHA-1 base64 (certHash in config): ${r.sha1Base64}`);
    return;
  }
  if (r.kind === 'sha256') {
    out(`SHA-256 hex:    ${r.sha256Hex}`);
    out(`SHA-256 base64: ${r.sha256Base64}`);
    return;
  }
  r.certificates.forEach((c, i) => {
    out(`${r.file}${r.certificates.length > 1 ? ` (certificate ${i + 1} of ${r.certificates.length})` : ''}`);
    out(`  subject:    ${c.subjectRfc2253}`);
    out(`  issuer:     ${c.issuerRfc2253}`);
    out(`  serial:     ${c.serialHex} (decimal ${c.serialDecimal})`);
    out(`  valid:      ${c.notBefore} → ${c.notAfter}`);
    out(`  key:        ${c.keyType}${c.keyBits ? ` ${c.keyBits} bits` : ''}`);
    out(`  SHA-1:      ${c.sha1Hex}`);
    out(`  certHash:   ${c.sha1Base64}`);
    out(`  SHA-256:    ${c.sha256Hex}`);
  });
}

export function registerHash(program: Command): void {
  program
    .command('hash')
    .description(
      "a certificate's SHA-1 (colon hex and base64 certHash) and SHA-256, or convert a hash between hex and base64",
    )
    .argument('<input>', 'certificate file (PEM or DER), or a SHA-1/SHA-256 hash in hex (colons allowed) or base64')
    .option('--json', 'print JSON')
    .action(
      runCommand((input: string, opts: { json?: boolean }) => {
        const result = hashOf(input);
        if (opts.json) return printJson(result);
        printText(result);
      }),
    );
}
