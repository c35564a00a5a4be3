/**
 * `AsaState`: everything the rollover plan and the doctor read from one ASA, assembled from the parsers.
 * JSON-serialisable and free of secrets (no keys, no passwords; certificate facts only).
 */
import { AsaCertificateBlock } from './parse/crypto-ca-certificates';
import { GroupPolicy } from './parse/run-group-policy';
import { DapRecord } from './parse/run-dap';
import { RunLoadBalancing } from './parse/run-load-balancing';
import { SslTrustpointBinding } from './parse/run-ssl';
import { TunnelGroup } from './parse/run-tunnel-group';

export interface AsaCertificateSummary {
  /** `Available`, `Pending`, `Expired`… as printed. */
  status: string;
  serialHex: string;
  /** RFC 2253, as CUCM stores issuer/subject names. */
  subject: string;
  issuer: string;
  /** ISO 8601 when the ASA clock zone is unambiguous, else undefined (see notBeforeText). */
  notBefore?: string;
  notAfter?: string;
  notBeforeText?: string;
  notAfterText?: string;
  keyType?: string;
  keyBits?: number;
}

export interface AsaTrustpointState {
  name: string;
  keypair?: string;
  enrollment?: string;
  fqdn?: string | null;
  subjectName?: string;
  /** The identity certificate. */
  certificate?: AsaCertificateSummary;
  /** The CA certificate of the trustpoint (after `crypto ca authenticate`). */
  caCertificate?: AsaCertificateSummary;
  /** Interfaces (or `domain <fqdn>`) that present this trustpoint. */
  boundTo: string[];
}

export interface AsaState {
  hostname: string;
  version: string | undefined;
  /** 9.4(1)+: EC suites are negotiated and the ECDSA self-signed certificate issue applies. */
  ecTlsCapable: boolean;
  phoneLicense?: { name: string; line: string; enabled: boolean };
  premiumPeers?: number;
  failover: { licensedMode?: string; clusterUptime?: string };
  securityContexts?: number;
  /** The phone-facing interface from the inventory. */
  iface: string;
  boundTrustpoint?: string;
  trustpoints: AsaTrustpointState[];
  keyLabels: string[];
  ssl: {
    serverVersion?: string;
    cipherLines: string[];
    /** TLS 1.2 suites the ASA enables (from `show ssl`, or derived from the configured level). */
    enabledCiphers: string[];
    phoneCiphersEnabled: boolean;
    ecdsaCiphersEnabled: boolean;
    bindings: SslTrustpointBinding[];
  };
  webvpn: { configured: boolean; csdEnabled: boolean; hostscanEnabled: boolean; enabledInterfaces: string[] };
  tunnelGroups: TunnelGroup[];
  /** Policies as configured (`show run group-policy`). */
  groupPolicies: GroupPolicy[];
  /** DfltGrpPolicy with every default (`show run all group-policy DfltGrpPolicy`): what the others inherit. */
  defaultGroupPolicy?: GroupPolicy;
  dapRecords: DapRecord[];
  loadBalancing: RunLoadBalancing;
}

export function summarizeBlock(block: AsaCertificateBlock): AsaCertificateSummary {
  const out: AsaCertificateSummary = {
    status: block.status ?? 'unknown',
    serialHex: block.serialHex ?? '',
    subject: block.subjectRfc2253,
    issuer: block.issuerRfc2253,
  };
  if (block.validity.start?.iso) out.notBefore = block.validity.start.iso;
  if (block.validity.end?.iso) out.notAfter = block.validity.end.iso;
  if (block.validity.start) out.notBeforeText = block.validity.start.text;
  if (block.validity.end) out.notAfterText = block.validity.end.text;
  if (block.publicKey) out.keyType = block.publicKey.type;
  if (block.publicKey?.bits !== undefined) out.keyBits = block.publicKey.bits;
  return out;
}
