/**
 * `show version`: software version, the VPN-phone licence (named "AnyConnect for Linksys phone" on 8.0 and
 * "AnyConnect for Cisco VPN Phone" from 8.2), AnyConnect Premium peers, and failover/context hints.
 */
import { bodyLines } from './lines';

export interface LicenseLine {
  feature: string;
  value: string;
  /** `perpetual`, or a time left such as `39 days`, when printed. */
  term?: string;
}

export interface PhoneLicense {
  /** The feature name as printed (its wording tells 8.0 from 8.2+). */
  name: string;
  /** The whole line as printed, for reports. */
  line: string;
  value: string;
  enabled: boolean;
}

export interface ShowVersion {
  version: string | undefined;
  deviceManagerVersion?: string;
  hostname?: string;
  uptime?: string;
  hardware?: string;
  model?: string;
  serialNumber?: string;
  licenseMode?: string;
  /** "Licensed features for this platform" (the unit's own view). */
  licenses: LicenseLine[];
  /** "Failover cluster licensed features for this platform", when the unit is in a failover pair. */
  failoverLicenses: LicenseLine[];
  phoneLicense?: PhoneLicense;
  premiumPeers?: number;
  failover: {
    /** The licensed failover mode (`Active/Standby`, `Active/Active`), when printed. */
    licensedMode?: string;
    /** `failover cluster up …`: this unit is part of a failover pair. */
    clusterUptime?: string;
  };
  securityContexts?: number;
}

const VERSION_LINE = /^Cisco Adaptive Security Appliance Software Version (\S+)/;
const LICENSE_LINE = /^(\S.*?)\s*:\s+(\S+(?:\s\S+)*?)(?:\s{2,}(\S.*))?$/;
const PHONE_LICENSE = /^AnyConnect for (?:Cisco VPN Phone|Linksys phone)$/i;

function parseLicense(line: string): LicenseLine | undefined {
  const m = LICENSE_LINE.exec(line);
  if (!m) return undefined;
  // Seed-doc captures lost their column padding ("Disabled perpetual"): split the term off the value.
  let value = m[2];
  let term = m[3];
  const squeezed = /^(\S+)\s+(perpetual|\d+\s+days?)$/.exec(value);
  if (!term && squeezed) {
    value = squeezed[1];
    term = squeezed[2];
  }
  return term ? { feature: m[1], value, term } : { feature: m[1], value };
}

export function parseShowVersion(text: string): ShowVersion {
  const out: ShowVersion = { version: undefined, licenses: [], failoverLicenses: [], failover: {} };
  let section: 'none' | 'platform' | 'failover' = 'none';
  for (const line of bodyLines(text)) {
    const version = VERSION_LINE.exec(line);
    if (version) out.version = version[1];
    let m = /^Device Manager Version (\S+)/.exec(line);
    if (m) out.deviceManagerVersion = m[1];
    m = /^(\S+) up (.+)$/.exec(line);
    if (m && m[1] !== 'failover') {
      out.hostname = m[1];
      out.uptime = m[2];
    }
    m = /^failover cluster up (.+)$/.exec(line);
    if (m) out.failover.clusterUptime = m[1];
    m = /^Hardware:\s+([^,]+)/.exec(line);
    if (m) out.hardware = m[1];
    m = /^Model Id:\s+(\S+)/.exec(line);
    if (m) out.model = m[1];
    m = /^Serial Number:\s+(\S+)/.exec(line);
    if (m) out.serialNumber = m[1];
    m = /^License mode:\s+(.+)$/.exec(line);
    if (m) out.licenseMode = m[1];

    if (/^Licensed features for this platform:/.test(line)) section = 'platform';
    else if (/^Failover cluster licensed features/.test(line)) section = 'failover';
    else if (line === '' || /^(This platform|Serial Number|Configuration|Image type)/.test(line)) section = 'none';
    else if (section !== 'none') {
      const lic = parseLicense(line);
      if (lic) (section === 'platform' ? out.licenses : out.failoverLicenses).push(lic);
    }
  }
  for (const lic of out.licenses) {
    if (PHONE_LICENSE.test(lic.feature)) {
      out.phoneLicense = {
        name: lic.feature,
        line: [lic.feature, ':', lic.value, lic.term].filter(Boolean).join(' '),
        value: lic.value,
        enabled: /^enabled$/i.test(lic.value),
      };
    }
    if (/^AnyConnect Premium Peers$/i.test(lic.feature) && /^\d+$/.test(lic.value)) out.premiumPeers = +lic.value;
    if (/^Failover$/i.test(lic.feature)) out.failover.licensedMode = lic.value;
    if (/^Security Contexts$/i.test(lic.feature) && /^\d+$/.test(lic.value)) out.securityContexts = +lic.value;
  }
  return out;
}
