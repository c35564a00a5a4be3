/**
 * What the simulated ASA knows: key pairs, trustpoints with their certificates, SSL settings, the doctor-facing
 * configuration, and the startup configuration saved by `write memory`. Commands change it (lab/asa/commands.ts);
 * the TLS listener reads it.
 */
import { CertInfo, parseCertificate, Rdn } from '../../devices/cert';
import { buildCertificate, LabKeyPair, newEcKey, newRsaKey, randomSerial } from './pki';
import { AsaConfigKnobs, AsaLabSnapshot, LabCertSummary } from './types';

export interface LabKey {
  label: string;
  pair: LabKeyPair;
  generatedAt: Date;
}

export interface LabCert {
  pem: string;
  info: CertInfo;
}

export interface LabTrustpoint {
  name: string;
  enrollment?: string;
  fqdn?: string | null;
  subjectName?: string;
  keypair?: string;
  crlConfigure: boolean;
  ca?: LabCert;
  identity?: LabCert;
  pendingCsr?: string;
}

export interface SslBinding {
  trustpoint: string;
  iface?: string;
  domain?: string;
}

export interface CipherSetting {
  level: string;
  custom?: string;
}

export const DEFAULT_KEY_LABEL = '<Default-RSA-Key>';
const TEN_YEARS_MS = 3650 * 86_400_000;

export function defaultKnobs(iface: string, fqdn: string): AsaConfigKnobs {
  return {
    promptForm: 'plain',
    contextName: 'ctx1',
    failoverState: 'act',
    csdEnabled: false,
    tunnelGroups: [
      {
        name: 'VPNPhone',
        groupPolicy: 'GroupPolicy_VPNPhone',
        groupUrls: [`https://${fqdn}/VPNPhone`],
        withoutCsd: false,
        authentication: 'certificate',
      },
    ],
    groupPolicies: [
      {
        name: 'DfltGrpPolicy',
        vpnTunnelProtocol: ['ikev1', 'ikev2', 'l2tp-ipsec', 'ssl-client', 'ssl-clientless'],
        vpnSimultaneousLogins: 3,
        vpnFilter: null,
        groupLock: null,
      },
      {
        name: 'GroupPolicy_VPNPhone',
        vpnTunnelProtocol: ['ssl-client'],
        groupLock: 'VPNPhone',
        vpnSimultaneousLogins: 3,
        vpnFilter: null,
      },
    ],
    dapRecords: [{ name: 'DfltAccessPolicy', action: 'continue' }],
    loadBalancing: false,
    interfaces: [...new Set([iface, 'outside', 'inside', 'management'])],
  };
}

/** Subject-name as typed (`CN=a,OU=b,O="x, y"`) → components in typed order; undefined when malformed. */
export function parseTypedSubject(text: string): Rdn[] | undefined {
  const keys: Record<string, string> = {
    CN: 'CN',
    OU: 'OU',
    O: 'O',
    L: 'L',
    ST: 'ST',
    C: 'C',
    EA: 'emailAddress',
    DC: 'DC',
  };
  const parts = text.match(/(?:[^,"]|"[^"]*")+/g);
  if (!parts || parts.join(',') !== text) return undefined;
  const out: Rdn[] = [];
  for (const part of parts) {
    const m = /^\s*([A-Za-z]+)=(?:"([^"]*)"|([^"]*?))\s*$/.exec(part);
    const key = m && keys[m[1].toUpperCase()];
    const value = m ? (m[2] ?? m[3]) : '';
    if (!m || !key || value === '') return undefined;
    out.push({ key, value });
  }
  return out;
}

/** Certificate-order RDNs the ASA encodes: typed components reversed, then unstructuredName=FQDN (seed phone log, qytang CSR). */
export function certificateSubject(typed: Rdn[], fqdn: string | null | undefined): Rdn[] {
  const rdns = [...typed].reverse();
  if (fqdn) rdns.push({ key: 'unstructuredName', value: fqdn });
  return rdns;
}

export function summarize(cert: LabCert): LabCertSummary {
  const c = cert.info;
  return {
    serialHex: c.serialHex,
    sha1Base64: c.sha1Base64,
    sha1Hex: c.sha1Hex,
    subjectRfc2253: c.subject.rfc2253,
    issuerRfc2253: c.issuer.rfc2253,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    keyType: c.keyType,
  };
}

export function labCert(pem: string): LabCert {
  return { pem, info: parseCertificate(pem) };
}

export function selfSignedCertificate(
  key: LabKeyPair,
  subject: Rdn[],
  fqdn: string | null | undefined,
  notBefore = new Date(Date.now() - 60_000),
  notAfter = new Date(notBefore.getTime() + TEN_YEARS_MS),
): LabCert {
  return labCert(
    buildCertificate({
      subject,
      notBefore,
      notAfter,
      spkiDer: key.spkiDer,
      keyType: key.type,
      signer: key.privateKey,
      dnsNames: fqdn ? [fqdn] : [],
      role: 'self-signed',
      serialHex: randomSerial(4),
    }),
  );
}

export interface AsaStateInit {
  hostname: string;
  version: string;
  iface: string;
  phoneLicense: 'enabled' | 'disabled' | 'linksys-8.0';
  premiumPeers: number;
  ecdsaQuirk: boolean;
  knobs: AsaConfigKnobs;
  defaultKey: LabKeyPair;
}

export class AsaLabState {
  hostname: string;
  readonly version: string;
  readonly iface: string;
  readonly phoneLicense: AsaStateInit['phoneLicense'];
  readonly premiumPeers: number;
  readonly ecdsaQuirk: boolean;
  knobs: AsaConfigKnobs;
  readonly keys = new Map<string, LabKey>();
  readonly trustpoints = new Map<string, LabTrustpoint>();
  readonly ssl = {
    serverVersion: 'tlsv1.2',
    clientVersion: 'tlsv1.2',
    ciphers: new Map<string, CipherSetting>([['tlsv1.2', { level: 'medium' }]]),
    bindings: [] as SslBinding[],
  };
  startup = { config: '', keyLabels: [] as string[] };
  writeMemoryCount = 0;
  private readonly switchListeners = new Set<(iface: string, trustpoint: string) => void>();
  private readonly changeListeners = new Set<() => void>();
  private temporary: { rsa?: { key: LabKeyPair; cert: LabCert }; ec?: { key: LabKeyPair; cert: LabCert } } = {};

  constructor(init: AsaStateInit) {
    this.hostname = init.hostname;
    this.version = init.version;
    this.iface = init.iface;
    this.phoneLicense = init.phoneLicense;
    this.premiumPeers = init.premiumPeers;
    this.ecdsaQuirk = init.ecdsaQuirk;
    this.knobs = init.knobs;
    // The ASA's default key pair is also its SSH host key.
    this.keys.set(DEFAULT_KEY_LABEL, { label: DEFAULT_KEY_LABEL, pair: init.defaultKey, generatedAt: new Date() });
  }

  async generateKey(label: string, bits: number): Promise<LabKey> {
    const key = { label, pair: await newRsaKey(bits), generatedAt: new Date() };
    this.keys.set(label, key);
    this.changed();
    return key;
  }

  /** Remove a key pair; certificates issued for it go with it (the ASA's warning says so). */
  zeroizeKey(label: string): void {
    this.keys.delete(label);
    for (const tp of this.trustpoints.values()) {
      if ((tp.keypair ?? DEFAULT_KEY_LABEL) === label) {
        tp.identity = undefined;
        tp.pendingCsr = undefined;
      }
    }
    this.changed();
  }

  keyOf(tp: LabTrustpoint): LabKey | undefined {
    return this.keys.get(tp.keypair ?? DEFAULT_KEY_LABEL);
  }

  bindingsOf(trustpoint: string): SslBinding[] {
    return this.ssl.bindings.filter((b) => b.trustpoint === trustpoint);
  }

  boundTrustpoint(iface: string): string | undefined {
    return (
      this.ssl.bindings.find((b) => b.iface === iface)?.trustpoint ??
      this.ssl.bindings.find((b) => b.iface === undefined && b.domain === undefined)?.trustpoint
    );
  }

  bind(trustpoint: string, iface: string): void {
    const previous = this.ssl.bindings.find((b) => b.iface === iface);
    this.ssl.bindings = this.ssl.bindings.filter((b) => b.iface !== iface);
    this.ssl.bindings.push({ trustpoint, iface });
    this.changed();
    if (previous?.trustpoint !== trustpoint) for (const l of this.switchListeners) l(iface, trustpoint);
  }

  unbind(trustpoint: string, iface?: string): boolean {
    const before = this.ssl.bindings.length;
    this.ssl.bindings = this.ssl.bindings.filter((b) => !(b.trustpoint === trustpoint && b.iface === iface));
    this.changed();
    return this.ssl.bindings.length !== before;
  }

  /** The cipher setting the TLS 1.2 listener uses: its own line, else `default`, else medium. */
  tls12Ciphers(): CipherSetting {
    return this.ssl.ciphers.get('tlsv1.2') ?? this.ssl.ciphers.get('default') ?? { level: 'medium' };
  }

  /** The ASA's own self-signed certificate, made on first use (what an interface without a trustpoint presents). */
  temporaryCertificate(type: 'rsa' | 'ec'): { key: LabKeyPair; cert: LabCert } {
    const existing = this.temporary[type];
    if (existing) return existing;
    const key = type === 'rsa' ? this.keys.get(DEFAULT_KEY_LABEL)!.pair : newEcKey();
    const subject: Rdn[] = [
      { key: 'CN', value: 'ASA Temporary Self Signed Certificate' },
      { key: 'unstructuredName', value: this.hostname },
    ];
    const made = { key, cert: selfSignedCertificate(key, subject, undefined) };
    this.temporary[type] = made;
    return made;
  }

  onTrustpointSwitch(listener: (iface: string, trustpoint: string) => void): () => void {
    this.switchListeners.add(listener);
    return () => this.switchListeners.delete(listener);
  }

  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  changed(): void {
    for (const l of this.changeListeners) l();
  }

  snapshot(runningConfig: string): AsaLabSnapshot {
    return {
      hostname: this.hostname,
      version: this.version,
      iface: this.iface,
      keys: [...this.keys.values()].map((k) => ({
        label: k.label,
        type: k.pair.type,
        bits: k.pair.bits,
        saved: this.startup.keyLabels.includes(k.label),
      })),
      trustpoints: [...this.trustpoints.values()].map((tp) => ({
        name: tp.name,
        enrollment: tp.enrollment,
        fqdn: tp.fqdn,
        subjectName: tp.subjectName,
        keypair: tp.keypair,
        ca: tp.ca && summarize(tp.ca),
        identity: tp.identity && summarize(tp.identity),
        pendingCsr: tp.pendingCsr !== undefined,
      })),
      bindings: this.ssl.bindings.map((b) => ({ ...b })),
      ssl: {
        serverVersion: this.ssl.serverVersion,
        ciphers: [...this.ssl.ciphers.entries()].map(([version, s]) => ({ version, ...s })),
      },
      runningConfig,
      startupConfig: this.startup.config,
      unsavedChanges:
        runningConfig !== this.startup.config ||
        [...this.keys.keys()].sort().join(',') !== [...this.startup.keyLabels].sort().join(','),
      writeMemoryCount: this.writeMemoryCount,
    };
  }
}
