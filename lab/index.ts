/**
 * The whole lab on loopback: an ASA (SSH CLI + TLS listener), a CUCM (AXL, certmgr, RisPort over HTTPS, config
 * builder), its TFTP service (UDP + HTTP 6970) and a fleet of VPN phones — plus the inventory that points certroll
 * at them, with secrets in files only the worker reads. Used by `certroll lab up`, `certroll demo` and tests.
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { Inventory, validateInventory } from '../config/inventory';
import { AsaLab, AsaLabOptions, LabCa, startAsaLab } from './asa';
import { CucmLab, CucmLabOptions, generatePhoneSpecs, startCucmLab } from './cucm';
import { PhoneFleet, startPhoneFleet } from './phones';
import { startTftpLab, TftpLab } from './tftp';

export const LAB_VPN_HOST = 'vpn.lab.certroll.test';

export interface LabNames {
  asa: string;
  cluster: string;
  gateway: string;
}

export interface LabOptions {
  phones?: number;
  /** Inventory names (tests use unique ones so their task queues never meet). */
  names?: Partial<LabNames>;
  /** Where the inventory and the secret files go (default: a fresh temp dir). */
  dir?: string;
  /** The current certificate's notAfter (default 30 days ahead). */
  currentNotAfter?: Date;
  hostIdCheck?: boolean;
  /**
   * Root-CA trust mode: the current certificate is issued by this CA, and CUCM trusts the CA (Phone-VPN-trust and
   * the gateway list it) instead of the leaf, so a renewal from the same CA needs no CUCM change.
   */
  issuingCa?: LabCa;
  asa?: Partial<AsaLabOptions>;
  cucm?: Partial<CucmLabOptions>;
  tftp?: { oack?: boolean; lossPercent?: number; latencyMs?: number };
  fleet?: { bootDelayMs?: number; rehandshakeDelayMs?: number; neverReturnShare?: number };
  /** The inventory's RisPort budget (the lab CUCM allows 18 a minute, CUCM's maximum). */
  risportQueriesPerMinute?: number;
  webhooks?: string[];
}

export interface Lab {
  names: LabNames;
  inventory: Inventory;
  inventoryPath: string;
  dir: string;
  asa: AsaLab;
  cucm: CucmLab;
  tftp: TftpLab;
  fleet: PhoneFleet;
  /** Everything a test compares before/after: ASA config, CUCM objects, registrations. */
  snapshot(): { asa: ReturnType<AsaLab['state']>; cucm: ReturnType<CucmLab['state']> };
  close(): Promise<void>;
}

function writeSecret(dir: string, name: string, value: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return `file:${file}`;
}

export async function startLab(opts: LabOptions = {}): Promise<Lab> {
  const names: LabNames = { asa: 'asa1', cluster: 'cluster1', gateway: 'ASA-PhoneVPN', ...opts.names };
  const dir = opts.dir ?? mkdtempSync(path.join(tmpdir(), 'certroll-lab-'));
  mkdirSync(path.join(dir, 'secrets'), { recursive: true, mode: 0o700 });

  // Whatever started is closed again if a later part fails: a half-started lab must not keep sockets open.
  const started: Array<{ close(): Promise<void> }> = [];
  try {
    return await startParts(opts, names, dir, started);
  } catch (err) {
    for (const part of started.reverse()) await part.close().catch(() => undefined);
    throw err;
  }
}

async function startParts(
  opts: LabOptions,
  names: LabNames,
  dir: string,
  started: Array<{ close(): Promise<void> }>,
): Promise<Lab> {
  const asa = await startAsaLab({
    hostname: names.asa,
    initialTrustpoint: {
      name: 'VPN-CURRENT',
      cn: LAB_VPN_HOST,
      fqdn: LAB_VPN_HOST,
      notAfter: opts.currentNotAfter ?? new Date(Date.now() + 30 * 86_400_000),
      ...(opts.issuingCa ? { signedBy: opts.issuingCa } : {}),
    },
    ...opts.asa,
  });
  started.push(asa);
  const cucm = await startCucmLab({
    phones: generatePhoneSpecs(opts.phones ?? 50, { commonPhoneConfigName: 'VPN-CPP', model: 'Cisco 8841' }),
    rebuildDelayMs: 200,
    risportQueriesPerMinute: 18,
    ...opts.cucm,
    vpn: {
      gatewayName: names.gateway,
      url: `https://${LAB_VPN_HOST}/VPNPhone`,
      hostIdCheck: opts.hostIdCheck ?? true,
      commonPhoneProfiles: ['VPN-CPP'],
      certificates: [opts.issuingCa?.pem ?? asa.boundCertificatePem()],
      ...opts.cucm?.vpn,
    },
  });
  started.push(cucm);
  const tftp = await startTftpLab({ files: cucm, host: '127.0.0.1', port: 0, httpPort: 0, ...opts.tftp });
  started.push(tftp);
  const fleet = await startPhoneFleet({
    cucm,
    tftp: tftp.udp,
    asa,
    initialBoot: true,
    bootDelayMs: 300,
    rehandshakeDelayMs: 500,
    ...opts.fleet,
  });
  started.push(fleet);

  const secrets = path.join(dir, 'secrets');
  const doc = {
    asa: {
      [names.asa]: {
        host: asa.ssh.host,
        port: asa.ssh.port,
        username: asa.credentials.username,
        password: writeSecret(secrets, `${names.asa}-password`, asa.credentials.password),
        enablePassword: writeSecret(secrets, `${names.asa}-enable`, asa.credentials.enablePassword),
        hostKeySha256: asa.hostKeySha256,
        interface: 'outside',
        tlsHost: asa.tls.host,
        tlsPort: asa.tls.port,
        vpnUrls: [`https://${LAB_VPN_HOST}/VPNPhone`],
      },
    },
    cucm: {
      [names.cluster]: {
        publisher: cucm.https.host,
        port: cucm.https.port,
        axlVersion: cucm.axlVersion,
        axlUser: cucm.credentials.axlUser,
        axlPassword: writeSecret(secrets, `${names.cluster}-axl`, cucm.credentials.axlPassword),
        platformUser: cucm.credentials.platformUser,
        platformPassword: writeSecret(secrets, `${names.cluster}-platform`, cucm.credentials.platformPassword),
        tls: { caFile: cucm.caFile },
        tftpServers: [{ host: tftp.udp.host, port: tftp.udp.port, httpPort: tftp.http.port, slots: 3 }],
        risportQueriesPerMinute: opts.risportQueriesPerMinute ?? 15,
      },
    },
    gateways: { [names.gateway]: { asa: names.asa, cluster: names.cluster } },
    ...(opts.webhooks
      ? { notifications: { webhooks: opts.webhooks.map((url) => ({ url, format: 'json' as const })) } }
      : {}),
  };
  const inventory = validateInventory(doc, 'lab inventory');
  const inventoryPath = path.join(dir, 'certroll.yaml');
  writeFileSync(
    inventoryPath,
    `# written by certroll lab: loopback simulators, secrets in ${secrets}\n${stringify(doc)}`,
  );

  return {
    names,
    inventory,
    inventoryPath,
    dir,
    asa,
    cucm,
    tftp,
    fleet,
    snapshot: () => ({ asa: asa.state(), cucm: cucm.state() }),
    async close() {
      await fleet.close();
      await tftp.close();
      await cucm.close();
      await asa.close();
    },
  };
}
