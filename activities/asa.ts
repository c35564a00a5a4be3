/**
 * ASA activities for the rollover: thin wrappers over devices/asa/client.ts, one SSH session per call (open,
 * use, close). Inputs are inventory names plus plain data; hosts and credentials come from the inventory and
 * the secret resolver. Every step is idempotent (check before act, names chosen by the workflow), never retries
 * inside, and turns device errors into ApplicationFailures whose `type` the workflow's retry policy reads.
 */
import { heartbeat, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { IDENTIFIER } from '../config/inventory';
import { AsaClient, ExportedCertificate } from '../devices/asa/client';
import { AsaCommandError } from '../devices/asa/errors';
import { AsaState } from '../devices/asa/state';
import { DeviceError, InvalidInput } from '../devices/errors';
import { ProbeProfile, probeAs, TlsProbeResult } from '../devices/tls-probe';
import type { ActivityDeps } from './deps';

export type { AsaState } from '../devices/asa/state';
export type { ExportedCertificate } from '../devices/asa/client';

/** A TLS probe as the workflow sees it: which client profile, and what that client was shown. */
export type AsaTlsProbeResult = TlsProbeResult & { as: ProbeProfile };

export interface AsaActivityOptions {
  /** Default time a command may take to return to a prompt. */
  commandTimeoutMs?: number;
  /** SSH connect and login. */
  readyTimeoutMs?: number;
  probeTimeoutMs?: number;
  /** How often long SSH work heartbeats. */
  heartbeatMs?: number;
}

const name = z.string().regex(IDENTIFIER, 'expected a name of letters, digits, ".", "_" or "-" (1-64 characters)');
const pem = z.string().min(1).max(20_000);
const Inputs = {
  asa: z.object({ asa: name }),
  trustpoint: z.object({ asa: name, trustpoint: name }),
  keyAndTrustpoint: z.object({
    asa: name,
    trustpoint: name,
    keyLabel: name,
    subjectName: z.string().min(1).max(400),
    fqdn: z.string().min(1).max(253).optional(),
    enrollment: z.enum(['self', 'terminal']),
  }),
  signed: z.object({ asa: name, trustpoint: name, certificatePem: pem, caPems: z.array(pem).min(1).max(5) }),
  remove: z.object({ asa: name, trustpoint: name, keyLabel: name }),
  probe: z.object({ asa: name, as: z.enum(['phone', 'ec']) }),
};

function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new InvalidInput(result.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
  }
  return result.data;
}

/** Device errors become ApplicationFailures with a stable type; a refusal is never retried. */
function toFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof DeviceError) {
    const details = err instanceof AsaCommandError ? [{ command: err.command, output: err.output.slice(0, 4000) }] : [];
    return ApplicationFailure.create({
      type: err.type,
      message: err.message,
      nonRetryable: !err.retryable,
      details,
      cause: err,
    });
  }
  const type = (err as { type?: unknown }).type;
  if (type === 'SecretError' || type === 'InventoryError') {
    return ApplicationFailure.create({ type, message: (err as Error).message, nonRetryable: true });
  }
  return err;
}

/** Heartbeat and log only when running as an activity (tests may call the functions directly). */
function beat(details: unknown): void {
  try {
    heartbeat(details);
  } catch {
    // not in an activity context
  }
}

function info(message: string, attrs: Record<string, unknown>): void {
  try {
    log.info(message, attrs);
  } catch {
    // not in an activity context
  }
}

export function createAsaActivities(deps: ActivityDeps, options: AsaActivityOptions = {}) {
  function entryOf(asa: string) {
    const entry = deps.inventory.asa[asa];
    if (!entry) throw new InvalidInput(`no ASA named "${asa}" in the inventory`);
    return entry;
  }

  function clientFor(asa: string): AsaClient {
    const entry = entryOf(asa);
    return new AsaClient(
      {
        host: entry.host,
        port: entry.port,
        username: entry.username,
        password: deps.resolveSecret(entry.password),
        enablePassword: deps.resolveSecret(entry.enablePassword),
        hostKeySha256: entry.hostKeySha256,
        commandTimeoutMs: options.commandTimeoutMs,
        readyTimeoutMs: options.readyTimeoutMs,
      },
      entry.interface,
    );
  }

  /** What a client of the given profile is shown by the ASA's VPN URL (no SSH). */
  async function probeTls(input: { asa: string; as: ProbeProfile }): Promise<AsaTlsProbeResult> {
    try {
      const i = parseInput(Inputs.probe, input);
      const entry = entryOf(i.asa);
      const urlHost = new URL(entry.vpnUrls[0]).hostname;
      const servername = /^[0-9.]+$|:/.test(urlHost) ? undefined : urlHost;
      const result = await probeAs(i.as, entry.tlsHost ?? entry.host, entry.tlsPort, {
        servername,
        timeoutMs: options.probeTimeoutMs,
      });
      return { as: i.as, ...result };
    } catch (err) {
      throw toFailure(err);
    }
  }

  /** One session for one step: validate the input, connect lazily, heartbeat while working, always close. */
  async function withAsa<S extends z.ZodType<{ asa: string }>, T>(
    step: string,
    schema: S,
    input: unknown,
    work: (client: AsaClient, i: z.infer<S>) => Promise<T>,
  ): Promise<T> {
    let client: AsaClient | undefined;
    const timer = setInterval(() => beat({ step }), options.heartbeatMs ?? 5_000);
    try {
      const i = parseInput(schema, input);
      client = clientFor(i.asa);
      const result = await work(client, i);
      info(`asa ${step}`, { asa: i.asa, step });
      return result;
    } catch (err) {
      throw toFailure(err);
    } finally {
      clearInterval(timer);
      await client?.close().catch(() => undefined);
    }
  }

  return {
    /** Read-only picture of the ASA: version, licence, trustpoints, keys, SSL, and the doctor's inputs. */
    async readAsaState(input: { asa: string }): Promise<AsaState> {
      return withAsa('readAsaState', Inputs.asa, input, (c) => c.readState());
    },

    /** Fresh key pair (RSA 2048, never replacing one) and trustpoint; `created: false` when both exist as asked. */
    async createKeyAndTrustpoint(input: {
      asa: string;
      trustpoint: string;
      keyLabel: string;
      subjectName: string;
      fqdn?: string;
      enrollment: 'self' | 'terminal';
    }): Promise<{ created: boolean }> {
      return withAsa('createKeyAndTrustpoint', Inputs.keyAndTrustpoint, input, (c, i) => c.createKeyAndTrustpoint(i));
    },

    async enrollSelfSigned(input: { asa: string; trustpoint: string }): Promise<{ enrolled: boolean }> {
      return withAsa('enrollSelfSigned', Inputs.trustpoint, input, (c, i) => c.enrollSelfSigned(i.trustpoint));
    },

    async createCsr(input: { asa: string; trustpoint: string }): Promise<{ csrPem: string }> {
      return withAsa('createCsr', Inputs.trustpoint, input, (c, i) => c.createCsr(i.trustpoint));
    },

    /** `crypto ca authenticate` with the issuing CA (once), then `crypto ca import … certificate`. */
    async importSignedCertificate(input: {
      asa: string;
      trustpoint: string;
      certificatePem: string;
      caPems: string[];
    }): Promise<{ imported: boolean }> {
      return withAsa('importSignedCertificate', Inputs.signed, input, (c, i) =>
        c.importSignedCertificate(i.trustpoint, i.certificatePem, i.caPems),
      );
    },

    async exportIdentityCertificate(input: { asa: string; trustpoint: string }): Promise<ExportedCertificate> {
      return withAsa('exportIdentityCertificate', Inputs.trustpoint, input, (c, i) =>
        c.exportIdentityCertificate(i.trustpoint),
      );
    },

    /** The switch: `ssl trust-point TP <inventory interface>`; `previous` is what it presented before. */
    async bindTrustpoint(input: {
      asa: string;
      trustpoint: string;
    }): Promise<{ previous: string | undefined; changed: boolean }> {
      return withAsa('bindTrustpoint', Inputs.trustpoint, input, (c, i) => c.bindTrustpoint(i.trustpoint));
    },

    /** `write memory`; a missing `[OK]` is the non-retryable WriteMemoryFailed. */
    async writeMemory(input: { asa: string }): Promise<{ ok: true }> {
      return withAsa('writeMemory', Inputs.asa, input, (c) => c.writeMemory());
    },

    /** Compensation: `no crypto ca trustpoint TP noconfirm`, then `crypto key zeroize rsa label L noconfirm`. */
    async removeTrustpoint(input: {
      asa: string;
      trustpoint: string;
      keyLabel: string;
    }): Promise<{ removed: boolean }> {
      return withAsa('removeTrustpoint', Inputs.remove, input, (c, i) => c.removeTrustpoint(i.trustpoint, i.keyLabel));
    },

    probeTls,

    /** The phone's view only (AES256-SHA/AES128-SHA, TLS ≤ 1.2). */
    async probeAsPhone(input: { asa: string }): Promise<AsaTlsProbeResult> {
      return probeTls({ ...input, as: 'phone' });
    },
  };
}

export type AsaActivities = ReturnType<typeof createAsaActivities>;
