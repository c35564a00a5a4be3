import type { LabCa } from './pki';
/** Options, configuration knobs, fault knobs and the JSON snapshot of the ASA lab. */

export type PromptForm = 'plain' | 'failover' | 'failover-priority' | 'context';

export interface LabTunnelGroup {
  name: string;
  groupPolicy?: string;
  groupUrls: string[];
  withoutCsd: boolean;
  /** `certificate`, `aaa`, `aaa certificate`. */
  authentication: string;
}

export interface LabGroupPolicy {
  name: string;
  vpnTunnelProtocol?: string[];
  /** null prints `group-lock none`; undefined inherits. */
  groupLock?: string | null;
  vpnSimultaneousLogins?: number;
  vpnFilter?: string | null;
}

export interface LabDapRecord {
  name: string;
  action: 'continue' | 'terminate' | 'quarantine';
  description?: string;
  priority?: number;
}

/** Configuration the doctor checks read; each can be put in its passing and failing state. */
export interface AsaConfigKnobs {
  promptForm: PromptForm;
  /** The context name for `promptForm: 'context'`. */
  contextName: string;
  /** `act` or `stby` for the failover prompt forms. */
  failoverState: 'act' | 'stby';
  /** `csd enable` under webvpn (phones cannot run Cisco Secure Desktop). */
  csdEnabled: boolean;
  tunnelGroups: LabTunnelGroup[];
  groupPolicies: LabGroupPolicy[];
  dapRecords: LabDapRecord[];
  /** `vpn load-balancing` with `participate` (not supported for phones). */
  loadBalancing: boolean;
  /** Interfaces that exist (nameif); `ssl trust-point` to any other is refused. */
  interfaces: string[];
}

export interface AsaLabOptions {
  hostname?: string;
  username?: string;
  password?: string;
  enablePassword?: string;
  /** Privilege-15 users land at `#`. */
  landInEnable?: boolean;
  /** Default `9.16(2)`; drives `show version` and the ECDSA quirk (from 9.4(1)). */
  version?: string;
  phoneLicense?: 'enabled' | 'disabled' | 'linksys-8.0';
  premiumPeers?: number;
  /** Phone-facing interface, default `outside`. */
  iface?: string;
  /**
   * The trustpoint bound to the phone-facing interface at start (self-signed, key label = trustpoint name).
   * Default: `VPN-CURRENT`, CN and FQDN `vpn.example.com`, valid from 335 days ago to 30 days ahead.
   * `null` starts with no trustpoint: the interface presents the ASA's temporary self-signed certificate.
   */
  initialTrustpoint?: {
    name: string;
    cn: string;
    fqdn?: string;
    notBefore?: Date;
    notAfter?: Date;
    /** More subject components after the CN, e.g. `OU=Phones,O=Example`. */
    subjectExtra?: string;
    /** Issue the identity certificate from this CA (enrollment terminal, CA authenticated) instead of self-signed. */
    signedBy?: LabCa;
  } | null;
  /** ASA 9.4+ without CSCuu02848: EC clients get an EC self-signed certificate unless `ssl cipher` restricts to RSA. */
  ecdsaQuirk?: boolean;
  /** Whether AES256-SHA/AES128-SHA are enabled (false → `ssl cipher tlsv1.2 high`). Default true. */
  phoneCiphersEnabled?: boolean;
  config?: Partial<AsaConfigKnobs>;
  /** Host key PEM; by default one RSA host key shared by every lab in the process. */
  hostKeyPem?: string;
}

export interface DropFault {
  pattern: RegExp;
  /** How many matching commands are dropped (default 1). */
  times?: number;
  /** `after` (default): the command takes effect, part of its output is sent, then the connection drops. */
  when?: 'before' | 'after';
}

export interface AsaFaults {
  dropOnCommand?: RegExp | DropFault;
  /** Delay before each piece of output. */
  slowOutputMs?: number;
  /** `write memory` fails as on read-only flash. */
  writeMemoryFails?: boolean;
  /** Pager lines for new sessions (24 like the ASA; 0 disables). */
  pagerDefault: number;
  /** Present a different SSH host key than the pinned one. */
  wrongHostKey?: boolean;
  /** Commands matching this get `Command authorization failed`. */
  authorizationFails?: RegExp;
}

export interface LabCertSummary {
  serialHex: string;
  sha1Base64: string;
  sha1Hex: string;
  subjectRfc2253: string;
  issuerRfc2253: string;
  notBefore: string;
  notAfter: string;
  keyType: string;
}

export interface AsaLabSnapshot {
  hostname: string;
  version: string;
  iface: string;
  keys: { label: string; type: 'rsa' | 'ec'; bits: number; saved: boolean }[];
  trustpoints: {
    name: string;
    enrollment?: string;
    fqdn?: string | null;
    subjectName?: string;
    keypair?: string;
    ca?: LabCertSummary;
    identity?: LabCertSummary;
    pendingCsr: boolean;
  }[];
  bindings: { trustpoint: string; iface?: string; domain?: string }[];
  ssl: { serverVersion: string; ciphers: { version: string; level: string; custom?: string }[] };
  runningConfig: string;
  startupConfig: string;
  unsavedChanges: boolean;
  writeMemoryCount: number;
}
