/**
 * The CUCM lab's database: Phone-VPN-trust, VPN gateways/groups/profiles, common phone profiles, phones and their
 * registration (RisPort's view). It enforces the rules CUCM enforces (1-10 certificates per gateway, each one in
 * Phone-VPN-trust; at most 3 gateways and 10 certificates per group; one trust certificate per CN, replaced only by
 * a newer one) and tells listeners (the config-file builder) what changed.
 */
import { randomUUID } from 'node:crypto';
import { CertInfo, parseCertificate } from '../../devices/cert';
import { trustCertificateName } from '../../devices/cucm/trust-store';
import { VpnProfile } from '../../devices/cucm/types';
import { RegistrationStatus } from '../contracts';

export const MAX_GATEWAY_CERTIFICATES = 10;
export const MAX_GROUP_GATEWAYS = 3;
export const MAX_GROUP_CERTIFICATES = 10;

/** `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}` as AXL prints UUIDs. */
export function axlUuid(): string {
  return `{${randomUUID().toUpperCase()}}`;
}

/** A refusal with the AXL code CUCM would give (5007 not found, 5003 update refused…). */
export class LabAxlRuleError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** A refusal of the certificate-management API (HTTP status + message). */
export class LabCertmgrRuleError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface LabTrustEntry {
  pkid: string;
  /** File name in the store, derived from the CN. */
  name: string;
  cert: CertInfo;
  description: string;
  uploadedAt: string;
}

export interface LabGatewayMember {
  uuid: string;
  issuerName: string;
  serialNumber: string;
}

export interface LabGateway {
  uuid: string;
  name: string;
  description: string;
  url: string;
  certificates: LabGatewayMember[];
}

export interface LabGroup {
  uuid: string;
  name: string;
  description: string;
  gateways: Array<{ uuid: string; name: string; priority: number }>;
}

/** The lab stores VPN profiles in AXL's own shape, always with a uuid. */
export type LabProfile = VpnProfile & { uuid: string };

export interface LabCommonPhoneConfig {
  uuid: string;
  name: string;
  description: string;
  vpnGroupName?: string;
  vpnProfileName?: string;
}

export interface LabPhone {
  uuid: string;
  name: string;
  description: string;
  model: string;
  commonPhoneConfigName: string;
  devicePoolName: string;
  protocol: 'SIP' | 'SCCP';
  encryptedConfig: boolean;
  ctiid: number;
}

export interface LabRegistration {
  status: RegistrationStatus;
  statusReason: number;
  /** Epoch seconds of the last state change. */
  timeStamp: number;
  ipAddress?: string;
  node: string;
}

export type ModelChange = { kind: 'vpn'; what: string } | { kind: 'phones'; names: string[] };

/** What one common phone profile puts into its phones' `<vpnGroup>`. */
export interface VpnView {
  groupName: string;
  profile: LabProfile | undefined;
  /** Gateway URLs in priority order (url1..urlN). */
  urls: string[];
  /** certHash1..N: base64 SHA-1 of every certificate on the group's gateways. */
  hashes: string[];
}

function sameSerial(a: string, b: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/^0+(?=.)/, '');
  return norm(a) === norm(b);
}

export class CucmModel {
  readonly trust = new Map<string, LabTrustEntry>();
  readonly gateways = new Map<string, LabGateway>();
  readonly groups = new Map<string, LabGroup>();
  readonly profiles = new Map<string, LabProfile>();
  readonly commonPhoneConfigs = new Map<string, LabCommonPhoneConfig>();
  readonly phones = new Map<string, LabPhone>();
  readonly registrations = new Map<string, LabRegistration>();
  private sortedNames: string[] = [];
  private readonly listeners: Array<(change: ModelChange) => void> = [];
  private nextCtiid = 100;

  onChange(listener: (change: ModelChange) => void): void {
    this.listeners.push(listener);
  }

  private changed(change: ModelChange): void {
    for (const l of this.listeners) l(change);
  }

  /** Phone names in device-name order (listPhone and the scope query page over this). */
  phoneNames(): readonly string[] {
    return this.sortedNames;
  }

  // --- Phone-VPN-trust ---------------------------------------------------------------------------------------

  findTrustBySha1(sha1Base64: string): LabTrustEntry | undefined {
    return [...this.trust.values()].find((t) => t.cert.sha1Base64 === sha1Base64);
  }

  findTrustByMember(issuerName: string, serialNumber: string): LabTrustEntry | undefined {
    return [...this.trust.values()].find(
      (t) => t.cert.issuer.rfc2253 === issuerName && sameSerial(t.cert.serialHex, serialNumber),
    );
  }

  /**
   * CUCM's upload rules: PEM/DER only, 4096-bit keys at most, no wildcards, one certificate per name. A newer
   * certificate with an existing name replaces the old one (CSCuh19734) and drops its gateway references.
   */
  uploadTrust(
    input: string | Buffer,
    description = '',
  ): { outcome: 'added' | 'replaced' | 'unchanged'; entry: LabTrustEntry; replaced?: LabTrustEntry } {
    let cert: CertInfo;
    try {
      // JSON carries DER as bare base64; PEM keeps its armour.
      const der =
        typeof input === 'string' && /^[A-Za-z0-9+/\s]+=*\s*$/.test(input) ? Buffer.from(input, 'base64') : input;
      cert = parseCertificate(der);
    } catch {
      throw new LabCertmgrRuleError(
        400,
        'Invalid certificate: only PEM or DER encoded X.509 certificates are supported',
      );
    }
    if ((cert.keyBits ?? 0) > 4096)
      throw new LabCertmgrRuleError(400, 'Certificate key size exceeds the supported maximum of 4096 bits');
    if ([...cert.commonNames, ...cert.subjectAltNames.dns].some((n) => n.includes('*'))) {
      throw new LabCertmgrRuleError(400, 'Wildcard certificates are not supported');
    }
    const name = trustCertificateName(cert);
    const existing = this.trust.get(name);
    if (existing?.cert.sha1Base64 === cert.sha1Base64) return { outcome: 'unchanged', entry: existing };
    if (existing && Date.parse(cert.notBefore) <= Date.parse(existing.cert.notBefore)) {
      throw new LabCertmgrRuleError(
        409,
        `A certificate named ${name} already exists in Phone-VPN-trust and the uploaded certificate is not newer than it`,
      );
    }
    const entry: LabTrustEntry = { pkid: randomUUID(), name, cert, description, uploadedAt: new Date().toISOString() };
    this.trust.set(name, entry);
    if (existing) this.dropGatewayReferences(existing);
    this.changed({ kind: 'vpn', what: `trust ${name}` });
    return { outcome: existing ? 'replaced' : 'added', entry, replaced: existing };
  }

  /** Deleting a trust row cascades to the gateway members that referenced it (foreign keys), like a replacement. */
  deleteTrust(name: string): LabTrustEntry {
    const entry = this.trust.get(name);
    if (!entry) throw new LabCertmgrRuleError(404, `No certificate named ${name} in Phone-VPN-trust`);
    this.trust.delete(name);
    this.dropGatewayReferences(entry);
    this.changed({ kind: 'vpn', what: `trust ${name} deleted` });
    return entry;
  }

  private dropGatewayReferences(entry: LabTrustEntry): void {
    for (const gw of this.gateways.values()) {
      gw.certificates = gw.certificates.filter(
        (m) => !(m.issuerName === entry.cert.issuer.rfc2253 && sameSerial(m.serialNumber, entry.cert.serialHex)),
      );
    }
  }

  // --- VPN objects ----------------------------------------------------------------------------------------------

  getGateway(name: string): LabGateway {
    const gw = this.gateways.get(name);
    if (!gw) throw new LabAxlRuleError(5007, 'Item not valid: The specified VPN Gateway was not found');
    return gw;
  }

  /** updateVpnGateway: the whole list, 1 to 10 members, each one a Phone-VPN-trust certificate. */
  setGatewayCertificates(name: string, members: Array<{ issuerName: string; serialNumber: string }>): LabGateway {
    const gw = this.gateways.get(name);
    if (!gw) throw new LabAxlRuleError(5003, 'Cannot update VPN Gateway: The specified VPN Gateway was not found');
    if (members.length < 1 || members.length > MAX_GATEWAY_CERTIFICATES) {
      throw new LabAxlRuleError(5003, `A VPN Gateway must list between 1 and ${MAX_GATEWAY_CERTIFICATES} certificates`);
    }
    const resolved = members.map((m) => {
      const entry = this.findTrustByMember(m.issuerName, m.serialNumber);
      if (!entry) {
        throw new LabAxlRuleError(
          5003,
          `Item not valid: no Phone-VPN-trust certificate with issuer "${m.issuerName}" and serial number ${m.serialNumber}`,
        );
      }
      return entry;
    });
    if (new Set(resolved.map((r) => r.pkid)).size !== resolved.length) {
      throw new LabAxlRuleError(5003, 'A certificate can be listed only once on a VPN Gateway');
    }
    this.checkGroupLimits(name, resolved.length);
    const kept = new Map(gw.certificates.map((c) => [`${c.issuerName}|${c.serialNumber.toLowerCase()}`, c.uuid]));
    gw.certificates = resolved.map((r) => ({
      uuid: kept.get(`${r.cert.issuer.rfc2253}|${r.cert.serialHex}`) ?? axlUuid(),
      issuerName: r.cert.issuer.rfc2253,
      serialNumber: r.cert.serialHex,
    }));
    this.changed({ kind: 'vpn', what: `gateway ${name}` });
    return gw;
  }

  private checkGroupLimits(gatewayName: string, newCount: number): void {
    for (const group of this.groups.values()) {
      if (!group.gateways.some((g) => g.name === gatewayName)) continue;
      const total = group.gateways.reduce(
        (sum, g) => sum + (g.name === gatewayName ? newCount : (this.gateways.get(g.name)?.certificates.length ?? 0)),
        0,
      );
      if (total > MAX_GROUP_CERTIFICATES) {
        throw new LabAxlRuleError(
          5003,
          `VPN Group ${group.name} would hold ${total} certificates; the maximum is ${MAX_GROUP_CERTIFICATES}`,
        );
      }
    }
  }

  addGateway(gw: Omit<LabGateway, 'uuid'>): LabGateway {
    const created = { uuid: axlUuid(), ...gw };
    this.gateways.set(gw.name, created);
    this.changed({ kind: 'vpn', what: `gateway ${gw.name}` });
    return created;
  }

  addGroup(name: string, gatewayNames: string[], description = ''): LabGroup {
    if (gatewayNames.length > MAX_GROUP_GATEWAYS)
      throw new LabAxlRuleError(5003, `A VPN Group holds at most ${MAX_GROUP_GATEWAYS} VPN Gateways`);
    const gateways = gatewayNames.map((n, priority) => ({ uuid: this.getGateway(n).uuid, name: n, priority }));
    const group = { uuid: axlUuid(), name, description, gateways };
    this.groups.set(name, group);
    this.changed({ kind: 'vpn', what: `group ${name}` });
    return group;
  }

  addProfile(profile: Omit<LabProfile, 'uuid'>): LabProfile {
    const created = { uuid: axlUuid(), ...profile };
    this.profiles.set(profile.name, created);
    this.changed({ kind: 'vpn', what: `profile ${profile.name}` });
    return created;
  }

  updateProfile(name: string, patch: Partial<Omit<LabProfile, 'uuid' | 'name'>>): LabProfile {
    const profile = this.profiles.get(name);
    if (!profile) throw new LabAxlRuleError(5003, 'Cannot update VPN Profile: The specified VPN Profile was not found');
    Object.assign(profile, patch);
    this.changed({ kind: 'vpn', what: `profile ${name}` });
    return profile;
  }

  addCommonPhoneConfig(cpp: Omit<LabCommonPhoneConfig, 'uuid'>): LabCommonPhoneConfig {
    const created = { uuid: axlUuid(), ...cpp };
    this.commonPhoneConfigs.set(cpp.name, created);
    this.changed({ kind: 'vpn', what: `common phone profile ${cpp.name}` });
    return created;
  }

  /** The `<vpnGroup>` a common phone profile gives its phones, or undefined when it carries no VPN group. */
  vpnViewOf(cppName: string): VpnView | undefined {
    const cpp = this.commonPhoneConfigs.get(cppName);
    const group = cpp?.vpnGroupName ? this.groups.get(cpp.vpnGroupName) : undefined;
    if (!cpp || !group) return undefined;
    const urls: string[] = [];
    const hashes: string[] = [];
    for (const member of [...group.gateways].sort((a, b) => a.priority - b.priority)) {
      const gw = this.gateways.get(member.name);
      if (!gw) continue;
      urls.push(gw.url);
      for (const c of gw.certificates) {
        const entry = this.findTrustByMember(c.issuerName, c.serialNumber);
        if (entry && !hashes.includes(entry.cert.sha1Base64)) hashes.push(entry.cert.sha1Base64);
      }
    }
    const profile = cpp.vpnProfileName ? this.profiles.get(cpp.vpnProfileName) : undefined;
    return { groupName: group.name, profile, urls, hashes };
  }

  // --- Phones and registrations -------------------------------------------------------------------------------

  addPhones(phones: Array<Omit<LabPhone, 'uuid' | 'ctiid'>>, nodes: string[], now: number): void {
    const added: string[] = [];
    for (const p of phones) {
      if (!this.commonPhoneConfigs.has(p.commonPhoneConfigName)) {
        throw new LabAxlRuleError(5003, `Common Phone Profile ${p.commonPhoneConfigName} does not exist`);
      }
      if (!this.phones.has(p.name)) added.push(p.name);
      this.phones.set(p.name, { uuid: axlUuid(), ctiid: this.nextCtiid++, ...p });
      if (!this.registrations.has(p.name)) {
        const i = this.registrations.size + 1;
        this.registrations.set(p.name, {
          status: 'Registered',
          statusReason: 0,
          timeStamp: now,
          ipAddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          node: nodes[i % nodes.length],
        });
      }
    }
    if (added.length > 0) this.sortedNames = [...this.sortedNames, ...added].sort();
    this.changed({ kind: 'phones', names: phones.map((p) => p.name) });
  }

  getPhone(name: string): LabPhone {
    const phone = this.phones.get(name);
    if (!phone) throw new LabAxlRuleError(5007, 'Item not valid: The specified Phone was not found');
    return phone;
  }

  /** Phones whose common phone profile is one of `names`, in device-name order. */
  phonesUsing(names: string[]): string[] {
    const wanted = new Set(names);
    return this.sortedNames.filter((n) => wanted.has(this.phones.get(n)!.commonPhoneConfigName));
  }
}
