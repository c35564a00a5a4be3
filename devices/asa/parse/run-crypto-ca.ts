/**
 * `show run crypto ca trustpoint [TP]` and the `crypto ca certificate chain` blocks of `show run crypto ca`
 * (certificates kept as hex lines ending in `quit`, domain.md §1.3).
 */
import { derToPem } from '../../cert';
import { bodyLines, configBlocks, tokens } from './lines';

export interface TrustpointConfig {
  name: string;
  /** `self`, `terminal`, or the rest of the line (`url http://…`). */
  enrollment?: string;
  /** The configured FQDN; null for `fqdn none` / `no fqdn`; undefined when not configured. */
  fqdn?: string | null;
  /** The `subject-name` exactly as configured (RDN keys and quoting as typed). */
  subjectName?: string;
  keypair?: string;
  idUsage?: string;
  crlConfigure: boolean;
  /** Sub-lines this parser does not interpret, as printed. */
  otherLines: string[];
}

export interface CertificateChainEntry {
  /** Serial as printed after `certificate` (lower-case hex). */
  serialHex: string;
  ca: boolean;
  pem: string;
}

export interface CertificateChain {
  trustpoint: string;
  certificates: CertificateChainEntry[];
}

const HEADERS = /^(crypto ca |crypto pki )/;

export function parseShowRunCryptoCaTrustpoint(text: string): { trustpoints: TrustpointConfig[] } {
  const trustpoints: TrustpointConfig[] = [];
  for (const block of configBlocks(bodyLines(text), HEADERS)) {
    const m = /^crypto (?:ca|pki) trustpoint (\S+)$/.exec(block.header);
    if (!m) continue;
    const tp: TrustpointConfig = { name: m[1], crlConfigure: false, otherLines: [] };
    for (const child of block.children) applyTrustpointLine(tp, child);
    trustpoints.push(tp);
  }
  return { trustpoints };
}

function applyTrustpointLine(tp: TrustpointConfig, line: string): void {
  const [first, ...rest] = tokens(line);
  const restText = line.slice(line.indexOf(first) + first.length).trim();
  switch (first) {
    case 'enrollment':
      tp.enrollment = restText;
      return;
    case 'fqdn':
      tp.fqdn = rest[0] === 'none' ? null : rest[0];
      return;
    case 'subject-name':
      tp.subjectName = restText;
      return;
    case 'keypair':
      tp.keypair = rest[0];
      return;
    case 'id-usage':
      tp.idUsage = restText;
      return;
    case 'crl':
      if (rest[0] === 'configure') tp.crlConfigure = true;
      else tp.otherLines.push(line);
      return;
    case 'no':
      if (rest[0] === 'fqdn') tp.fqdn = null;
      else tp.otherLines.push(line);
      return;
    default:
      tp.otherLines.push(line);
  }
}

/** `crypto ca certificate chain TP` blocks with each certificate's hex turned back into PEM. */
export function parseCertificateChains(text: string): { chains: CertificateChain[] } {
  const chains: CertificateChain[] = [];
  for (const block of configBlocks(bodyLines(text), HEADERS)) {
    const m = /^crypto (?:ca|pki) certificate chain (\S+)$/.exec(block.header);
    if (!m) continue;
    const chain: CertificateChain = { trustpoint: m[1], certificates: [] };
    let hex = '';
    let current: { serialHex: string; ca: boolean } | undefined;
    const flush = () => {
      if (current && hex) chain.certificates.push({ ...current, pem: derToPem(Buffer.from(hex, 'hex')) });
      current = undefined;
      hex = '';
    };
    for (const child of block.children) {
      const cert = /^certificate (ca )?([0-9a-fA-F]+)$/.exec(child);
      if (cert) {
        flush();
        current = { serialHex: cert[2].toLowerCase(), ca: Boolean(cert[1]) };
      } else if (child === 'quit') {
        flush();
      } else if (current && /^[0-9a-fA-F ]+$/.test(child)) {
        hex += child.replace(/\s+/g, '');
      }
    }
    flush();
    chains.push(chain);
  }
  return { chains };
}
