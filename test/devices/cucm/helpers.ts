/** Shared set-up for CUCM client <-> lab tests: certificates, clients pinned to the lab, an inventory for activities. */
import type { Inventory } from '../../../config/inventory';
import { AxlClient } from '../../../devices/cucm/axl';
import { CertmgrClient } from '../../../devices/cucm/certmgr';
import { RisPortClient } from '../../../devices/cucm/risport';
import { AxlVersion } from '../../../devices/cucm/types';
import { CucmLab } from '../../../lab/cucm';
import { asaIdentityCertificate, generateRsaKey, LabKey } from '../../../lab/cucm/pki';

let key: LabKey | undefined;
/** One RSA key for every test certificate in a file (generation is the slow part). */
export function testKey(): LabKey {
  key ??= generateRsaKey();
  return key;
}

const DAY = 86_400_000;

/** The ASA's current certificate and a renewal, as a rollover sees them. */
export function oldAndNewCertificates() {
  const old = asaIdentityCertificate({
    cn: 'vpn.example.com',
    ou: 'PhoneVPN-2024',
    notBefore: new Date(Date.now() - 300 * DAY),
    dnsNames: ['vpn.example.com'],
    key: testKey(),
  });
  const renewed = asaIdentityCertificate({
    cn: 'vpn-2025.example.com',
    ou: 'PhoneVPN-2025',
    notBefore: new Date(Date.now() - DAY),
    dnsNames: ['vpn.example.com'],
    key: testKey(),
  });
  /** Same CN as `old`, later notBefore: the CSCuh19734 case. */
  const sameCn = asaIdentityCertificate({
    cn: 'vpn.example.com',
    ou: 'PhoneVPN-2025',
    notBefore: new Date(Date.now() - DAY),
    dnsNames: ['vpn.example.com'],
    key: testKey(),
  });
  return { old: old.pem, renewed: renewed.pem, sameCn: sameCn.pem };
}

export function pinnedTarget(lab: CucmLab, tls: 'pin' | 'ca' = 'pin') {
  return {
    host: lab.https.host,
    port: lab.https.port,
    tls: tls === 'pin' ? { sha256: lab.tlsSha256Pin } : { caFile: lab.caFile },
  };
}

export function axlClient(
  lab: CucmLab,
  overrides: Partial<ConstructorParameters<typeof AxlClient>[0]> = {},
): AxlClient {
  return new AxlClient({
    ...pinnedTarget(lab),
    username: lab.credentials.axlUser,
    password: lab.credentials.axlPassword,
    version: lab.axlVersion as AxlVersion,
    traceDir: '',
    ...overrides,
  });
}

export function certmgrClient(lab: CucmLab, password = lab.credentials.platformPassword): CertmgrClient {
  return new CertmgrClient({ ...pinnedTarget(lab), username: lab.credentials.platformUser, password });
}

export function risportClient(lab: CucmLab): RisPortClient {
  return new RisPortClient({
    ...pinnedTarget(lab),
    username: lab.credentials.axlUser,
    password: lab.credentials.axlPassword,
  });
}

/** An inventory with the lab as cluster `lab` and its gateway `ASA-PhoneVPN`; secrets resolve from the lab. */
export function labInventory(lab: CucmLab): { inventory: Inventory; resolveSecret: (ref: string) => string } {
  const inventory: Inventory = {
    asa: {
      asa1: {
        host: '127.0.0.1',
        port: 22,
        username: 'admin',
        password: 'env:ASA_PASSWORD',
        enablePassword: 'env:ASA_ENABLE',
        hostKeySha256: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        interface: 'outside',
        tlsPort: 443,
        vpnUrls: ['https://vpn.example.com/PhoneVPN'],
      },
    },
    cucm: {
      lab: {
        publisher: lab.https.host,
        port: lab.https.port,
        axlVersion: lab.axlVersion,
        axlUser: lab.credentials.axlUser,
        axlPassword: 'env:LAB_AXL_PASSWORD',
        platformUser: lab.credentials.platformUser,
        platformPassword: 'env:LAB_PLATFORM_PASSWORD',
        tls: { sha256: lab.tlsSha256Pin },
        tftpServers: [{ host: '127.0.0.1', port: 69, slots: 3 }],
        risportQueriesPerMinute: 12,
        axlConcurrency: 2,
      },
    },
    gateways: { 'ASA-PhoneVPN': { asa: 'asa1', cluster: 'lab' } },
  };
  const secrets: Record<string, string> = {
    'env:LAB_AXL_PASSWORD': lab.credentials.axlPassword,
    'env:LAB_PLATFORM_PASSWORD': lab.credentials.platformPassword,
  };
  return {
    inventory,
    resolveSecret: (ref) => {
      const value = secrets[ref];
      if (value === undefined) throw new Error(`no secret ${ref}`);
      return value;
    },
  };
}
