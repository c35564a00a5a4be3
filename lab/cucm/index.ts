/**
 * A simulated CUCM publisher on one loopback HTTPS port (its own CA): AXL (`/axl/`), the certificate-management API
 * (`/platformcom/api/v1/certmgr/`), RisPort70 (`/realtimeservice2/services/RISService70`), the TFTP service's
 * config-file store (ConfigFileSource) and the phone registry RisPort reports (CucmPhoneRegistry).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseCertificate, toDer } from '../../devices/cert';
import { sha256Pin } from '../../devices/cucm/tls-pin';
import { VpnAuthMethod } from '../../devices/cucm/types';
import {
  CucmPhoneRegistry,
  ConfigFileSource,
  Endpoint,
  LabPhoneRecord,
  PhoneAction,
  RegistrationUpdate,
} from '../contracts';
import { handleAxl, LabAnswer, LabAxlVersion } from './axl-server';
import { CERTMGR_PREFIX, handleCertmgr } from './certmgr-server';
import { ConfigBuilder } from './config-builder';
import { CucmFaults, defaultFaults } from './faults';
import { CucmModel, LabPhone } from './model';
import { generateRsaKey, issueCertificate, LabKey } from './pki';
import { handleRisport, RisRateWindow } from './risport-server';

export type { CucmFaults } from './faults';
export { asaIdentityCertificate, generateRsaKey, issueCertificate } from './pki';

export interface LabPhoneSpec {
  name: string;
  model?: string;
  commonPhoneConfigName?: string;
  encryptedConfig?: boolean;
  description?: string;
  devicePoolName?: string;
}

export interface CucmLabOptions {
  /** The release's own AXL schema; it also accepts the older majors still in support (N-2). */
  axlVersion?: LabAxlVersion;
  axlUser?: string;
  axlPassword?: string;
  platformUser?: string;
  platformPassword?: string;
  phones?: LabPhoneSpec[];
  vpn?: {
    gatewayName?: string;
    url?: string;
    groupName?: string;
    profileName?: string;
    hostIdCheck?: boolean;
    authMethod?: VpnAuthMethod;
    commonPhoneProfiles?: string[];
    /** PEM certificates put into Phone-VPN-trust and listed on the gateway at start. */
    certificates?: string[];
  };
  /** CUCM's TFTP service rebuilds config files asynchronously after a change. */
  rebuildDelayMs?: number;
  risportQueriesPerMinute?: number;
  /** false = the export-unrestricted build: VPN features are absent. */
  exportRestricted?: boolean;
  /** Without a phone fleet, re-register phones by themselves this long after Apply/Reset/Restart. */
  autoReregisterMs?: number;
  /** CM nodes phones register to (RisPort groups devices by node). */
  nodes?: string[];
}

/** The shape `config/inventory.ts` validates for one cluster. */
export interface CucmInventoryInput {
  publisher: string;
  port: number;
  axlVersion: LabAxlVersion;
  axlUser: string;
  axlPassword: string;
  platformUser: string;
  platformPassword: string;
  tls: { sha256: string } | { caFile: string };
  tftpServers: Array<{ host: string; port: number; httpPort?: number; slots?: number }>;
  risportQueriesPerMinute?: number;
}

export interface CucmLabRequest {
  at: string;
  api: 'axl' | 'certmgr' | 'risport';
  operation: string;
  write: boolean;
  status: number;
  /** A Basic-auth login created a new Tomcat session (no reusable cookie was sent). */
  newSession?: boolean;
}

export interface CucmLabSnapshot {
  axlVersion: LabAxlVersion;
  exportRestricted: boolean;
  trust: Array<{
    name: string;
    subjectName: string;
    issuerName: string;
    serialNumber: string;
    sha1Base64: string;
    notBefore: string;
    notAfter: string;
  }>;
  gateways: Array<{
    name: string;
    url: string;
    certificates: Array<{ issuerName: string; serialNumber: string; sha1Base64?: string }>;
  }>;
  groups: Array<{ name: string; gateways: string[] }>;
  profiles: Array<{ name: string; hostIdCheck: boolean; authMethod: VpnAuthMethod }>;
  commonPhoneProfiles: Array<{ name: string; vpnGroupName?: string; vpnProfileName?: string }>;
  phones: Array<{
    name: string;
    model: string;
    commonPhoneConfigName: string;
    status: string;
    statusReason: number;
    timeStamp: number;
  }>;
}

export interface CucmLab extends ConfigFileSource, CucmPhoneRegistry {
  https: Endpoint;
  caPem: string;
  caFile: string;
  /** SHA256:<base64> of the Tomcat leaf certificate, for the inventory's `tls.sha256`. */
  tlsSha256Pin: string;
  /** The CallManager certificate that signs .sgn files (what phones find in their ITL). */
  signerPem: string;
  axlVersion: LabAxlVersion;
  credentials: { axlUser: string; axlPassword: string; platformUser: string; platformPassword: string };
  requestLog: CucmLabRequest[];
  faults: CucmFaults;
  seedTrustCertificate(pem: string): void;
  setGatewayCertificatesDirect(pems: string[]): void;
  updateVpnProfile(patch: { hostIdCheck?: boolean; authMethod?: VpnAuthMethod }): void;
  addPhones(specs: LabPhoneSpec[]): void;
  /** This lab as an inventory `cucm` entry (secret references are the caller's; the lab knows the values). */
  inventoryEntry(refs: { axlPassword: string; platformPassword: string }, tls?: 'pin' | 'caFile'): CucmInventoryInput;
  state(): CucmLabSnapshot;
  fileBuiltAt(name: string): string | undefined;
  pendingRebuilds(): number;
  close(): Promise<void>;
}

/** `count` phones named SEP<12 hex digits>, in name order, for scale tests and demos. */
export function generatePhoneSpecs(
  count: number,
  opts: Omit<LabPhoneSpec, 'name'> & { firstMac?: number } = {},
): LabPhoneSpec[] {
  const start = opts.firstMac ?? 0x00aa00000000;
  return Array.from({ length: count }, (_, i) => ({
    ...opts,
    name: `SEP${(start + i).toString(16).toUpperCase().padStart(12, '0')}`,
  }));
}

let sharedKeys: { ca: LabKey; server: LabKey } | undefined;

/** RSA generation dominates start-up; every lab in a process shares keys but gets its own certificates. */
function labKeys(): { ca: LabKey; server: LabKey } {
  sharedKeys ??= { ca: generateRsaKey(), server: generateRsaKey() };
  return sharedKeys;
}

function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function cookiesOf(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

function unauthorized(realm: string): LabAnswer & { realm: string } {
  return {
    status: 401,
    contentType: 'text/html;charset=utf-8',
    body: '<!doctype html><html lang="en"><head><title>HTTP Status 401 – Unauthorized</title></head><body><h1>HTTP Status 401 – Unauthorized</h1></body></html>',
    operation: 'login',
    write: false,
    realm,
  };
}

function notFound(): LabAnswer {
  return {
    status: 404,
    contentType: 'text/html;charset=utf-8',
    body: '<!doctype html><html lang="en"><head><title>HTTP Status 404 – Not Found</title></head><body><h1>HTTP Status 404 – Not Found</h1></body></html>',
    operation: 'unknown',
    write: false,
  };
}

const ACTION_REASON: Record<PhoneAction, number> = { apply: 17, reset: 9, restart: 15 };

export async function startCucmLab(opts: CucmLabOptions = {}): Promise<CucmLab> {
  const axlVersion = opts.axlVersion ?? '14.0';
  const credentials = {
    axlUser: opts.axlUser ?? 'axladmin',
    axlPassword: opts.axlPassword ?? randomBytes(9).toString('base64url'),
    platformUser: opts.platformUser ?? 'platformadmin',
    platformPassword: opts.platformPassword ?? randomBytes(9).toString('base64url'),
  };
  const exportRestricted = opts.exportRestricted ?? true;
  const nodes = opts.nodes ?? ['cucm-sub1', 'cucm-sub2'];
  const keys = labKeys();
  const ca = issueCertificate({
    subject: [
      { key: 'O', value: 'certroll lab' },
      { key: 'CN', value: 'certroll lab CUCM CA' },
    ],
    isCa: true,
    key: keys.ca,
  });
  const tomcat = issueCertificate({
    subject: [
      { key: 'O', value: 'certroll lab' },
      { key: 'CN', value: 'cucm-pub.lab' },
    ],
    issuer: ca,
    dnsNames: ['cucm-pub.lab', 'localhost'],
    ipAddresses: ['127.0.0.1'],
    key: keys.server,
  });
  const callManager = issueCertificate({
    subject: [
      { key: 'O', value: 'certroll lab' },
      { key: 'OU', value: 'CallManager' },
      { key: 'CN', value: 'cucm-pub.lab' },
    ],
    issuer: ca,
    key: keys.server,
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'certroll-cucm-lab-'));
  const caFile = path.join(dir, 'cucm-lab-ca.pem');
  writeFileSync(caFile, ca.pem);

  const model = new CucmModel();
  const vpn = opts.vpn ?? {};
  const gatewayName = vpn.gatewayName ?? 'ASA-PhoneVPN';
  const groupName = vpn.groupName ?? 'PhoneVPN-Group';
  const profileName = vpn.profileName ?? 'PhoneVPN-Profile';
  const cpps = vpn.commonPhoneProfiles ?? ['VPN-CPP'];
  model.addGateway({
    name: gatewayName,
    description: 'Phone VPN headend',
    url: vpn.url ?? 'https://vpn.example.com/PhoneVPN',
    certificates: [],
  });
  model.addGroup(groupName, [gatewayName]);
  model.addProfile({
    name: profileName,
    description: 'Phone VPN profile',
    autoNetworkDetection: false,
    mtu: 1290,
    failToConnect: 30,
    clientAuthentication: vpn.authMethod ?? 'Certificate',
    pwdPersistant: false,
    enableHostIdCheck: vpn.hostIdCheck ?? false,
  });
  model.addCommonPhoneConfig({ name: 'Standard Common Phone Profile', description: 'Default' });
  for (const name of cpps)
    model.addCommonPhoneConfig({
      name,
      description: 'Phones that connect over VPN',
      vpnGroupName: groupName,
      vpnProfileName: profileName,
    });

  const toLabPhone = (s: LabPhoneSpec): Omit<LabPhone, 'uuid' | 'ctiid'> => ({
    name: s.name,
    description: s.description ?? `${s.model ?? 'Cisco 8841'} ${s.name}`,
    model: s.model ?? 'Cisco 8841',
    commonPhoneConfigName: s.commonPhoneConfigName ?? cpps[0] ?? 'Standard Common Phone Profile',
    devicePoolName: s.devicePoolName ?? 'Default',
    protocol: 'SIP',
    encryptedConfig: s.encryptedConfig ?? false,
  });
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  model.addPhones((opts.phones ?? []).map(toLabPhone), nodes, nowSeconds());

  const setGatewayCertificatesDirect = (pems: string[]) => {
    const certs = pems.map((pem) => parseCertificate(pem));
    for (const pem of pems) model.uploadTrust(pem, 'seeded by the lab');
    model.setGatewayCertificates(
      gatewayName,
      certs.map((c) => ({ issuerName: c.issuer.rfc2253, serialNumber: c.serialHex })),
    );
  };
  if (vpn.certificates?.length) setGatewayCertificatesDirect(vpn.certificates);

  const builder = new ConfigBuilder(model, {
    rebuildDelayMs: opts.rebuildDelayMs ?? 0,
    signer: { certificatePem: callManager.pem, privateKeyPem: callManager.key.privateKeyPem },
    cucmHost: '127.0.0.1',
  });

  const faults = defaultFaults(opts.risportQueriesPerMinute ?? 15);
  const requestLog: CucmLabRequest[] = [];
  const actionListeners = new Set<(name: string, action: PhoneAction, at: Date) => void>();
  const reregisterTimers = new Set<NodeJS.Timeout>();
  const sessions = new Map<string, 'axl' | 'certmgr'>();
  const risWindow = new RisRateWindow();
  const axlCounters = { writes: 0 };

  const setRegistration = (name: string, update: RegistrationUpdate) => {
    const current = model.registrations.get(name);
    if (!model.phones.has(name)) throw new Error(`no phone ${name} in the CUCM lab`);
    model.registrations.set(name, {
      status: update.status,
      statusReason: update.statusReason,
      ipAddress: update.ipAddress ?? current?.ipAddress,
      node: current?.node ?? nodes[0],
      timeStamp: nowSeconds(),
    });
  };

  const emitPhoneAction = (name: string, action: PhoneAction) => {
    const at = new Date();
    for (const listener of actionListeners) listener(name, action, at);
    if (opts.autoReregisterMs !== undefined) {
      setRegistration(name, { status: 'UnRegistered', statusReason: ACTION_REASON[action] });
      const timer = setTimeout(() => {
        reregisterTimers.delete(timer);
        setRegistration(name, { status: 'Registered', statusReason: 0 });
      }, opts.autoReregisterMs);
      reregisterTimers.add(timer);
    }
  };

  /** Basic auth with Tomcat-style session reuse: a valid JSESSIONIDSSO skips the password check. */
  const authenticate = (
    req: IncomingMessage,
    realm: 'axl' | 'certmgr',
  ): { ok: false } | { ok: true; setCookie?: string[]; newSession: boolean } => {
    const sso = cookiesOf(req.headers.cookie).get('JSESSIONIDSSO');
    if (sso && sessions.get(sso) === realm) return { ok: true, newSession: false };
    const creds = basicCredentials(req.headers.authorization);
    const [user, password] =
      realm === 'axl'
        ? [credentials.axlUser, credentials.axlPassword]
        : [credentials.platformUser, credentials.platformPassword];
    if (!creds || creds.user !== user || creds.password !== password) return { ok: false };
    const id = randomBytes(16).toString('hex').toUpperCase();
    sessions.set(id, realm);
    return {
      ok: true,
      newSession: true,
      setCookie: [
        `JSESSIONIDSSO=${id}; Path=/; Secure; HttpOnly`,
        `JSESSIONID=${randomBytes(16).toString('hex').toUpperCase()}; Path=/; Secure; HttpOnly`,
      ],
    };
  };

  const route = (
    req: IncomingMessage,
    body: string,
  ): {
    api: CucmLabRequest['api'];
    answer: LabAnswer & { realm?: string };
    setCookie?: string[];
    newSession?: boolean;
  } => {
    const url = new URL(req.url ?? '/', 'https://cucm.lab');
    const method = req.method ?? 'GET';
    if (url.pathname === '/axl/' || url.pathname === '/realtimeservice2/services/RISService70') {
      const api = url.pathname === '/axl/' ? 'axl' : 'risport';
      const auth = authenticate(req, 'axl');
      if (!auth.ok) return { api, answer: unauthorized('Cisco Systems AXL') };
      if (method !== 'POST') return { api, answer: { ...notFound(), status: 405 } };
      const answer =
        api === 'axl'
          ? handleAxl(
              {
                model,
                faults,
                version: axlVersion,
                exportRestricted,
                counters: axlCounters,
                onPhoneAction: emitPhoneAction,
              },
              req.headers.soapaction as string | undefined,
              body,
            )
          : handleRisport(model, faults, risWindow, body);
      return { api, answer, setCookie: auth.setCookie, newSession: auth.newSession };
    }
    if (url.pathname.startsWith(CERTMGR_PREFIX)) {
      // The certificate-management API arrived with CUCM 14.
      if (axlVersion === '12.5') return { api: 'certmgr', answer: notFound() };
      const auth = authenticate(req, 'certmgr');
      if (!auth.ok) return { api: 'certmgr', answer: unauthorized('CMPlatform Realm') };
      const answer = handleCertmgr(model, method, url, body) ?? notFound();
      return { api: 'certmgr', answer, setCookie: auth.setCookie, newSession: auth.newSession };
    }
    return { api: url.pathname.startsWith('/axl') ? 'axl' : 'certmgr', answer: notFound() };
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 16 * 1024 * 1024) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const { api, answer, setCookie, newSession } = route(req, Buffer.concat(chunks).toString('utf8'));
      requestLog.push({
        at: new Date().toISOString(),
        api,
        operation: answer.operation,
        write: answer.write,
        status: answer.status,
        newSession,
      });
      const headers: Record<string, string | string[]> = { 'Content-Type': answer.contentType };
      if (setCookie) headers['Set-Cookie'] = setCookie;
      if (answer.realm) headers['WWW-Authenticate'] = `Basic realm="${answer.realm}"`;
      const send = () => {
        res.writeHead(answer.status, headers);
        res.end(answer.body);
      };
      if (faults.latencyMs > 0) setTimeout(send, faults.latencyMs);
      else send();
    });
  };

  const server = https.createServer({ key: tomcat.key.privateKeyPem, cert: `${tomcat.pem}${ca.pem}` }, handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const tlsSha256Pin = sha256Pin(toDer(tomcat.pem));

  const listPhones = (): LabPhoneRecord[] =>
    model.phoneNames().map((n) => {
      const p = model.phones.get(n)!;
      return { name: p.name, model: p.model, commonPhoneConfigName: p.commonPhoneConfigName };
    });

  const state = (): CucmLabSnapshot => ({
    axlVersion,
    exportRestricted,
    trust: [...model.trust.values()].map((t) => ({
      name: t.name,
      subjectName: t.cert.subject.rfc2253,
      issuerName: t.cert.issuer.rfc2253,
      serialNumber: t.cert.serialHex,
      sha1Base64: t.cert.sha1Base64,
      notBefore: t.cert.notBefore,
      notAfter: t.cert.notAfter,
    })),
    gateways: [...model.gateways.values()].map((g) => ({
      name: g.name,
      url: g.url,
      certificates: g.certificates.map((c) => ({
        issuerName: c.issuerName,
        serialNumber: c.serialNumber,
        sha1Base64: model.findTrustByMember(c.issuerName, c.serialNumber)?.cert.sha1Base64,
      })),
    })),
    groups: [...model.groups.values()].map((g) => ({ name: g.name, gateways: g.gateways.map((m) => m.name) })),
    profiles: [...model.profiles.values()].map((p) => ({
      name: p.name,
      hostIdCheck: p.enableHostIdCheck,
      authMethod: p.clientAuthentication,
    })),
    commonPhoneProfiles: [...model.commonPhoneConfigs.values()].map((c) => ({
      name: c.name,
      vpnGroupName: c.vpnGroupName,
      vpnProfileName: c.vpnProfileName,
    })),
    phones: model.phoneNames().map((n) => {
      const p = model.phones.get(n)!;
      const r = model.registrations.get(n)!;
      return {
        name: n,
        model: p.model,
        commonPhoneConfigName: p.commonPhoneConfigName,
        status: r.status,
        statusReason: r.statusReason,
        timeStamp: r.timeStamp,
      };
    }),
  });

  return {
    https: { host: '127.0.0.1', port },
    caPem: ca.pem,
    caFile,
    tlsSha256Pin,
    signerPem: callManager.pem,
    axlVersion,
    credentials,
    requestLog,
    faults,
    seedTrustCertificate: (pem) => void model.uploadTrust(pem, 'seeded by the lab'),
    setGatewayCertificatesDirect,
    updateVpnProfile: (patch) =>
      void model.updateProfile(profileName, {
        ...(patch.hostIdCheck !== undefined ? { enableHostIdCheck: patch.hostIdCheck } : {}),
        ...(patch.authMethod ? { clientAuthentication: patch.authMethod } : {}),
      }),
    addPhones: (specs) => model.addPhones(specs.map(toLabPhone), nodes, nowSeconds()),
    inventoryEntry: (refs, tls = 'pin') => ({
      publisher: '127.0.0.1',
      port,
      axlVersion,
      axlUser: credentials.axlUser,
      axlPassword: refs.axlPassword,
      platformUser: credentials.platformUser,
      platformPassword: refs.platformPassword,
      tls: tls === 'pin' ? { sha256: tlsSha256Pin } : { caFile },
      // The TFTP service is served by lab/tftp; whoever composes the labs fills in its endpoint.
      tftpServers: [{ host: '127.0.0.1', port: 69 }],
      risportQueriesPerMinute: Math.min(18, Math.max(1, (opts.risportQueriesPerMinute ?? 15) - 3)),
    }),
    state,
    readFile: (name) => builder.readFile(name),
    listFiles: () => builder.listFiles(),
    fileBuiltAt: (name) => builder.fileBuiltAt(name),
    decryptPhoneConfig: (_name, encSgn) => builder.decryptConfig(encSgn),
    pendingRebuilds: () => builder.pendingRebuilds(),
    listPhones,
    onPhoneAction(listener) {
      actionListeners.add(listener);
      return () => actionListeners.delete(listener);
    },
    setRegistration,
    async close() {
      builder.close();
      for (const t of reregisterTimers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
