/**
 * CUCM activities: thin, idempotent steps over the AXL, certmgr and RisPort clients. Each takes inventory names
 * (cluster, gateway) and plain data, checks before it acts, reads back what it wrote, never retries inside, and
 * turns device errors into ApplicationFailures whose type and retryability Temporal's retry policy acts on.
 */
import { activityInfo, cancellationSignal, cancelled, heartbeat, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { InventoryError } from '../config/inventory';
import { CertInfo, parseCertificate, sameSerial, sha1Forms } from '../devices/cert';
import { deviceName } from '../devices/cucm/axl-requests';
import { CucmClients, createCucmClients } from '../devices/cucm/clients';
import { AxlFault, CertmgrUnavailable, CucmVerifyFailed, TrustInUse, TrustOverwriteRisk } from '../devices/cucm/errors';
import { RIS_MAX_DEVICES } from '../devices/cucm/risport';
import { CucmTrustEntry, trustEntryOf, trustOverwriteRisk } from '../devices/cucm/trust-store';
import { VpnAuthMethod, VpnGatewayMember, VpnProfile } from '../devices/cucm/types';
import { DeviceError, InvalidInput } from '../devices/errors';
import { SecretError } from '../worker/secrets';
import type { ActivityDeps } from './deps';

export { trustOverwriteRisk } from '../devices/cucm/trust-store';
export type { CucmTrustEntry, TrustOverwrite } from '../devices/cucm/trust-store';

export interface GatewayCertificateState {
  issuerName: string;
  serialNumber: string;
  /** From the matching Phone-VPN-trust entry; absent when the reference dangles. */
  sha1Base64?: string;
  subject?: string;
  notAfter?: string;
}

export interface VpnProfileState {
  name: string;
  hostIdCheck: boolean;
  authMethod: VpnAuthMethod;
  mtu: number;
  failToConnect: number;
  autoNetworkDetection: boolean;
  passwordPersistent: boolean;
}

export interface CucmState {
  /** getCCMVersion, e.g. 14.0.1.13900-155. */
  version: string;
  /** Always true when this returns: the export-unrestricted build fails with VpnFeatureUnavailable instead. */
  exportRestricted: boolean;
  gateway: { name: string; url: string; description: string; certificates: GatewayCertificateState[] };
  /** VPN groups that contain the gateway. */
  groups: Array<{ name: string; gateways: string[] }>;
  /** The VPN profile of the first common phone profile using those groups. */
  profile: VpnProfileState | undefined;
  /** Every distinct VPN profile those common phone profiles use. */
  profiles: VpnProfileState[];
  commonPhoneProfiles: Array<{ name: string; vpnGroupName: string; vpnProfileName?: string }>;
  trust: CucmTrustEntry[];
  /** Where `trust` came from: certmgr (CUCM 14+, with validity) or executeSQLQuery (earlier releases). */
  trustSource: 'certmgr' | 'sql';
}

export interface ApplyConfigResult {
  applied: string[];
  failed: Array<{ name: string; reason: string }>;
  /** When the first phone of this batch was told to apply (kept across retries). */
  startedAt: string;
}

export interface RegistrationState {
  name: string;
  /** Registered, UnRegistered, Rejected, PartiallyRegistered, Unknown — or NotFound when RisPort has no record. */
  status: string;
  statusReason: number;
  /** Epoch seconds of the last state change (0 when not found). */
  timeStamp: number;
  ipAddress?: string;
}

const member = z.object({
  issuerName: z.string().min(1).max(255),
  serialNumber: z.string().regex(/^[0-9A-Fa-f]{1,50}$/),
});
const cppNames = z.array(z.string().min(1).max(50)).max(50);
const names = (max: number) => z.array(deviceName).max(max);

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success)
    throw new InvalidInput(
      `invalid ${what}: ${r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    );
  return r.data;
}

/** The activity edge: typed errors become ApplicationFailures with the same type and retryability. */
function toFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof DeviceError) {
    const details = err instanceof TrustOverwriteRisk ? [err.existing] : undefined;
    return ApplicationFailure.create({
      type: err.type,
      message: err.message,
      nonRetryable: !err.retryable,
      details,
    });
  }
  if (err instanceof SecretError || err instanceof InventoryError) {
    return ApplicationFailure.create({ type: err.type, message: err.message, nonRetryable: true });
  }
  return err;
}

async function edge<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toFailure(err);
  }
}

function sameMember(a: VpnGatewayMember, b: VpnGatewayMember): boolean {
  return a.issuerName === b.issuerName && sameSerial(a.serialNumber, b.serialNumber);
}

function sameMemberSet(a: VpnGatewayMember[], b: VpnGatewayMember[]): boolean {
  return (
    a.length === b.length &&
    a.every((x) => b.some((y) => sameMember(x, y))) &&
    b.every((y) => a.some((x) => sameMember(x, y)))
  );
}

function profileState(p: VpnProfile): VpnProfileState {
  return {
    name: p.name,
    hostIdCheck: p.enableHostIdCheck,
    authMethod: p.clientAuthentication,
    mtu: p.mtu,
    failToConnect: p.failToConnect,
    autoNetworkDetection: p.autoNetworkDetection,
    passwordPersistent: p.pwdPersistant,
  };
}

/** Throw CancelledFailure when the workflow cancelled this activity (checked between phones). */
async function stopIfCancelled(): Promise<void> {
  if (cancellationSignal().aborted) await cancelled();
}

export function createCucmActivities(deps: ActivityDeps) {
  const clientCache = new Map<string, CucmClients>();

  function clients(cluster: string): CucmClients {
    const entry = deps.inventory.cucm[cluster];
    if (!entry) throw new InventoryError('inventory', [`cucm.${cluster}: no such CUCM cluster`]);
    let c = clientCache.get(cluster);
    if (!c) {
      c = createCucmClients(entry, deps.resolveSecret);
      clientCache.set(cluster, c);
    }
    return c;
  }

  function checkGateway(cluster: string, gateway: string): void {
    const g = deps.inventory.gateways[gateway];
    if (!g) throw new InventoryError('inventory', [`gateways.${gateway}: no such gateway`]);
    if (g.cluster !== cluster)
      throw new InvalidInput(`gateway ${gateway} belongs to cluster ${g.cluster}, not ${cluster}`);
  }

  /** Phone-VPN-trust with full certificate facts when certmgr exists (14+), else the database rows (hash, names). */
  async function readTrust(
    c: CucmClients,
    version: string,
  ): Promise<{ trust: CucmTrustEntry[]; source: 'certmgr' | 'sql' }> {
    if (Number.parseInt(version, 10) >= 14) {
      try {
        const entries = await c.certmgr.listTrust();
        return { trust: entries.map((e) => trustEntryOf(e.cert, e.certificateName)), source: 'certmgr' };
      } catch (err) {
        if (!(err instanceof CertmgrUnavailable)) throw err;
      }
    }
    const rows = await c.axl.listPhoneVpnTrust();
    const trust = rows.map((r) => ({
      subjectName: r.subjectName,
      issuerName: r.issuerName,
      serialNumber: r.serialNumber,
      sha1Base64: r.sha1Base64,
      commonName: /(?:^|,)CN=((?:\\.|[^,])*)/.exec(r.subjectName)?.[1],
    }));
    return { trust, source: 'sql' };
  }

  async function listTrustCerts(c: CucmClients): Promise<Array<{ name?: string; cert: CertInfo }>> {
    const entries = await c.certmgr.listTrust();
    return entries.map((e) => ({ name: e.certificateName, cert: e.cert }));
  }

  async function gatewaysListing(c: CucmClients, m: VpnGatewayMember): Promise<string[]> {
    const listed: string[] = [];
    for (const gw of await c.axl.listVpnGateway('%')) {
      const full = await c.axl.getVpnGateway(gw.name);
      if (full.certificates.some((x) => sameMember(x, m))) listed.push(gw.name);
    }
    return listed;
  }

  return {
    /** Read-only: version, the gateway with its certificates' hashes, groups, profile(s), common phone profiles, trust. */
    async readCucmState(input: { cluster: string; gateway: string }): Promise<CucmState> {
      return edge(async () => {
        const { cluster, gateway } = parse(
          z.object({ cluster: z.string(), gateway: z.string() }),
          input,
          'readCucmState input',
        );
        checkGateway(cluster, gateway);
        const c = clients(cluster);
        const version = await c.axl.getCCMVersion();
        const gw = await c.axl.getVpnGateway(gateway);
        const { trust, source } = await readTrust(c, version);
        const certificates = gw.certificates.map((m) => {
          const t = trust.find((e) => sameMember({ issuerName: e.issuerName, serialNumber: e.serialNumber }, m));
          return {
            issuerName: m.issuerName,
            serialNumber: m.serialNumber,
            sha1Base64: t?.sha1Base64,
            subject: t?.subjectName,
            notAfter: t?.notAfter,
          };
        });
        const groups: CucmState['groups'] = [];
        for (const g of await c.axl.listVpnGroup('%')) {
          const group = await c.axl.getVpnGroup(g.name);
          if (group.gateways.some((x) => x.name === gateway))
            groups.push({ name: group.name, gateways: group.gateways.map((x) => x.name) });
        }
        const groupNames = new Set(groups.map((g) => g.name));
        const commonPhoneProfiles = (await c.axl.listCommonPhoneConfig('%'))
          .filter((cpp) => cpp.vpnGroupName && groupNames.has(cpp.vpnGroupName))
          .map((cpp) => ({ name: cpp.name, vpnGroupName: cpp.vpnGroupName!, vpnProfileName: cpp.vpnProfileName }));
        const profiles: VpnProfileState[] = [];
        for (const name of new Set(
          commonPhoneProfiles.map((cpp) => cpp.vpnProfileName).filter((n): n is string => !!n),
        )) {
          profiles.push(profileState(await c.axl.getVpnProfile(name)));
        }
        log.info('read CUCM state', {
          cluster,
          gateway,
          certificates: certificates.length,
          trust: trust.length,
          commonPhoneProfiles: commonPhoneProfiles.length,
        });
        return {
          version,
          exportRestricted: true,
          gateway: { name: gw.name, url: gw.url, description: gw.description, certificates },
          groups,
          profile: profiles[0],
          profiles,
          commonPhoneProfiles,
          trust,
          trustSource: source,
        };
      });
    },

    /**
     * Upload to Phone-VPN-trust. No-op when the same certificate (SHA-1) is there; refuses (TrustOverwriteRisk,
     * non-retryable) when a different certificate has the same name, because CUCM would replace it (CSCuh19734).
     */
    async uploadPhoneVpnTrust(input: {
      cluster: string;
      pem: string;
    }): Promise<{ uploaded: boolean; sha1Base64: string; certificateName: string }> {
      return edge(async () => {
        const { cluster, pem } = parse(
          z.object({ cluster: z.string(), pem: z.string().max(20_000) }),
          input,
          'uploadPhoneVpnTrust input',
        );
        const cert = parseCertificate(pem);
        const c = clients(cluster);
        const before = await listTrustCerts(c).catch((err) => {
          if (err instanceof CertmgrUnavailable) {
            throw new CertmgrUnavailable(
              `${err.message}; upload it with the CLI: set cert import trust Phone-VPN-trust`,
            );
          }
          throw err;
        });
        const entries = before.map((e) => trustEntryOf(e.cert, e.name));
        const same = entries.find((e) => e.sha1Base64 === cert.sha1Base64);
        if (same) return { uploaded: false, sha1Base64: cert.sha1Base64, certificateName: same.certificateName! };
        const risk = trustOverwriteRisk(entries, cert);
        if (risk) {
          throw new TrustOverwriteRisk(risk.message, {
            subjectName: risk.existing.subjectName,
            serialNumber: risk.existing.serialNumber,
            sha1Base64: risk.existing.sha1Base64,
          });
        }
        await c.certmgr.uploadTrust(cert.pem);
        const after = (await listTrustCerts(c)).map((e) => trustEntryOf(e.cert, e.name));
        const uploaded = after.find((e) => e.sha1Base64 === cert.sha1Base64);
        if (!uploaded) throw new CucmVerifyFailed('the certificate is not in Phone-VPN-trust after the upload');
        const lost = entries.find((e) => !after.some((a) => a.sha1Base64 === e.sha1Base64));
        if (lost) {
          throw new TrustOverwriteRisk(
            `the upload replaced Phone-VPN-trust certificate ${lost.certificateName} (${lost.sha1Base64})`,
            {
              subjectName: lost.subjectName,
              serialNumber: lost.serialNumber,
              sha1Base64: lost.sha1Base64,
            },
          );
        }
        log.info('uploaded to Phone-VPN-trust', {
          cluster,
          sha1Base64: cert.sha1Base64,
          certificateName: uploaded.certificateName,
        });
        return { uploaded: true, sha1Base64: cert.sha1Base64, certificateName: uploaded.certificateName! };
      });
    },

    /** Delete one Phone-VPN-trust certificate by its hash; refuses (TrustInUse) while any VPN gateway lists it. */
    async deleteTrustCertificate(input: { cluster: string; sha1Base64: string }): Promise<{ deleted: boolean }> {
      return edge(async () => {
        const { cluster, sha1Base64 } = parse(
          z.object({ cluster: z.string(), sha1Base64: z.string() }),
          input,
          'deleteTrustCertificate input',
        );
        const sha1 = sha1Forms(sha1Base64).sha1Base64;
        const c = clients(cluster);
        const entry = (await listTrustCerts(c))
          .map((e) => trustEntryOf(e.cert, e.name))
          .find((e) => e.sha1Base64 === sha1);
        if (!entry) return { deleted: false };
        const listedOn = await gatewaysListing(c, entry);
        if (listedOn.length > 0) {
          throw new TrustInUse(
            `Phone-VPN-trust certificate ${entry.certificateName} is still listed on VPN gateway(s) ${listedOn.join(', ')}`,
          );
        }
        await c.certmgr.deleteTrust(entry.certificateName!);
        const still = (await listTrustCerts(c)).some((e) => e.cert.sha1Base64 === sha1);
        if (still)
          throw new CucmVerifyFailed(
            `certificate ${entry.certificateName} is still in Phone-VPN-trust after the delete`,
          );
        log.info('deleted from Phone-VPN-trust', { cluster, sha1Base64: sha1, certificateName: entry.certificateName });
        return { deleted: true };
      });
    },

    /** Set the gateway's whole certificate list (no-op when equal as a set) and verify by reading it back. */
    async setGatewayCertificates(input: {
      cluster: string;
      gateway: string;
      certificates: Array<{ issuerName: string; serialNumber: string }>;
    }): Promise<{ changed: boolean; before: Array<{ issuerName: string; serialNumber: string }> }> {
      return edge(async () => {
        const { cluster, gateway, certificates } = parse(
          z.object({ cluster: z.string(), gateway: z.string(), certificates: z.array(member).min(1).max(10) }),
          input,
          'setGatewayCertificates input',
        );
        checkGateway(cluster, gateway);
        const c = clients(cluster);
        // A retry after a write that went through still reports the list as it was before the first attempt.
        const resumed = activityInfo().heartbeatDetails as { before?: VpnGatewayMember[] } | undefined;
        const current = (await c.axl.getVpnGateway(gateway)).certificates.map((m) => ({
          issuerName: m.issuerName,
          serialNumber: m.serialNumber,
        }));
        const before = resumed?.before ?? current;
        if (sameMemberSet(current, certificates)) return { changed: false, before };
        heartbeat({ before });
        await c.axl.updateVpnGateway(gateway, certificates);
        const after = (await c.axl.getVpnGateway(gateway)).certificates;
        if (!sameMemberSet(after, certificates)) {
          throw new CucmVerifyFailed(
            `VPN gateway ${gateway} lists ${after.length} certificate(s) after the update, not the ${certificates.length} requested`,
          );
        }
        log.info('VPN gateway certificates set', { cluster, gateway, before: before.length, after: after.length });
        return { changed: true, before };
      });
    },

    /** How many phones use these common phone profiles. */
    async countScopePhones(input: { cluster: string; commonPhoneProfiles: string[] }): Promise<number> {
      return edge(async () => {
        const { cluster, commonPhoneProfiles } = parse(
          z.object({ cluster: z.string(), commonPhoneProfiles: cppNames }),
          input,
          'countScopePhones input',
        );
        if (commonPhoneProfiles.length === 0) return 0;
        return clients(cluster).axl.countPhonesByCommonPhoneConfig(commonPhoneProfiles);
      });
    },

    /** One page of those phones' device names, ordered by name (stable pages between calls). */
    async listScopePhonesPage(input: {
      cluster: string;
      commonPhoneProfiles: string[];
      offset: number;
      limit: number;
    }): Promise<string[]> {
      return edge(async () => {
        const { cluster, commonPhoneProfiles, offset, limit } = parse(
          z.object({
            cluster: z.string(),
            commonPhoneProfiles: cppNames,
            offset: z.number().int().min(0),
            limit: z.number().int().min(1).max(5000),
          }),
          input,
          'listScopePhonesPage input',
        );
        if (commonPhoneProfiles.length === 0) return [];
        const axl = clients(cluster).axl;
        const out: string[] = [];
        // AXL pages stay at <= 1000 rows (Cisco's advice for the 8 MB response limit).
        while (out.length < limit) {
          const first = Math.min(1000, limit - out.length);
          const page = await axl.listPhonesByCommonPhoneConfig(commonPhoneProfiles, offset + out.length, first);
          out.push(...page);
          if (page.length < first) break;
        }
        return out;
      });
    },

    /**
     * Apply Config (or Reset/Restart) to a batch of phones, one AXL call each. Progress is heartbeated after every
     * phone; a retry (e.g. after AXL 503) resumes after the last phone done. A phone CUCM does not know is reported
     * in `failed`, not thrown.
     */
    async applyConfig(input: {
      cluster: string;
      names: string[];
      action?: 'apply' | 'reset' | 'restart';
    }): Promise<ApplyConfigResult> {
      return edge(async () => {
        const {
          cluster,
          names: phones,
          action,
        } = parse(
          z.object({
            cluster: z.string(),
            names: names(1000),
            action: z.enum(['apply', 'reset', 'restart']).default('apply'),
          }),
          input,
          'applyConfig input',
        );
        const axl = clients(cluster).axl;
        const resumed = activityInfo().heartbeatDetails as Partial<ApplyConfigResult & { done: number }> | undefined;
        const progress = {
          done: resumed?.done ?? 0,
          applied: resumed?.applied ?? [],
          failed: resumed?.failed ?? [],
          startedAt: resumed?.startedAt ?? new Date().toISOString(),
        };
        const call = { apply: axl.applyPhone, reset: axl.resetPhone, restart: axl.restartPhone }[action].bind(axl);
        for (let i = progress.done; i < phones.length; i++) {
          await stopIfCancelled();
          try {
            await call(phones[i]);
            progress.applied.push(phones[i]);
          } catch (err) {
            if (!(err instanceof AxlFault)) throw err; // throttling, auth, transport: retry the batch from here
            progress.failed.push({ name: phones[i], reason: err.message });
          }
          progress.done = i + 1;
          heartbeat(progress);
        }
        log.info('apply config batch done', {
          cluster,
          action,
          applied: progress.applied.length,
          failed: progress.failed.length,
        });
        return { applied: progress.applied, failed: progress.failed, startedAt: progress.startedAt };
      });
    },

    /** RisPort70 status of each phone, at most 1,000 names per call; RateControl is a retryable RisRateLimited. */
    async registrationStatus(input: { cluster: string; names: string[] }): Promise<RegistrationState[]> {
      return edge(async () => {
        const { cluster, names: phones } = parse(
          z.object({ cluster: z.string(), names: names(20_000) }),
          input,
          'registrationStatus input',
        );
        const risport = clients(cluster).risport;
        const resumed = activityInfo().heartbeatDetails as { results?: RegistrationState[] } | undefined;
        const results: RegistrationState[] = resumed?.results ?? [];
        for (let start = results.length; start < phones.length; start += RIS_MAX_DEVICES) {
          const chunk = phones.slice(start, start + RIS_MAX_DEVICES);
          const found = new Map((await risport.selectCmDeviceExt(chunk)).devices.map((d) => [d.name, d]));
          for (const name of chunk) {
            const d = found.get(name);
            results.push(
              d
                ? {
                    name,
                    status: d.status,
                    statusReason: d.statusReason,
                    timeStamp: d.timeStamp,
                    ...(d.ipAddress ? { ipAddress: d.ipAddress } : {}),
                  }
                : { name, status: 'NotFound', statusReason: 0, timeStamp: 0 },
            );
          }
          heartbeat({ results });
        }
        return results;
      });
    },
  };
}

export type CucmActivities = ReturnType<typeof createCucmActivities>;
