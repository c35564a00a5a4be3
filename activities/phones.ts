/**
 * Phone-config activities: read each phone's config from CUCM's TFTP service and check that its vpnGroup
 * carries the expected certificate hash (the seed's step 6, done for every phone).
 *
 * Reads stay within the inventory's TFTP slot budget (phones need the rest of CUCM's 5 serving slots), progress
 * is heartbeated and resumed after a retry, and a stale file is re-read with backoff until the deadline because
 * CUCM rebuilds config files asynchronously after the gateway changes.
 */
import { activityInfo, cancellationSignal, heartbeat, log, sleep } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { IDENTIFIER, type TftpServerEntry } from '../config/inventory';
import { sha1Forms } from '../devices/cert';
import { DeviceError, InvalidInput, TransportError } from '../devices/errors';
import { checkCertHash, readPhoneConfig } from '../devices/phone-config';
import { ConfigFileNotFound, TftpServerBusy, TftpTimeout } from '../devices/tftp/errors';
import { DEVICE_NAME, fetchPhoneConfig, type ConfigChannel } from '../devices/tftp/fetch-phone-config';
import type { TftpGetOptions } from '../devices/tftp/client';
import type { ActivityDeps } from './deps';

export const PHONE_CONFIG_STATES = ['verified', 'stale', 'missing', 'encrypted', 'unreadable', 'error'] as const;
export type PhoneConfigState = (typeof PHONE_CONFIG_STATES)[number];

export interface PhoneConfigResult {
  name: string;
  state: PhoneConfigState;
  detail?: string;
  /** The file the verdict comes from (`SEP….cnf.xml.sgn` or `.cnf.xml`). */
  file?: string;
  /** N of the certHashN that matched. */
  matchedIndex?: number;
  /** Reads of this phone's config in this activity (re-reads of a stale file count). */
  reads?: number;
}

export interface VerifyPhoneConfigsInput {
  cluster: string;
  names: string[];
  /** base64 SHA-1 of the certificate (the certHash form); hex is accepted too. */
  expectedHash: string;
  /** ISO time: keep re-reading stale files until then. Without it every phone is read once. */
  deadline?: string;
  /** Index into the cluster's tftpServers; default: spread over all of them. */
  tftpServer?: number;
  /** 'tftp' (what the phone sees, default) or 'http' (the TFTP service's HTTP port, when the inventory has it). */
  channel?: ConfigChannel;
}

export interface VerifyPhoneConfigsResult {
  counts: Record<PhoneConfigState, number>;
  results: PhoneConfigResult[];
}

const InputSchema = z
  .object({
    cluster: z.string().regex(IDENTIFIER, 'expected an inventory cluster name'),
    names: z.array(z.string().regex(DEVICE_NAME, 'expected a CUCM device name such as SEP001122334455')).max(50_000),
    expectedHash: z.string().refine((h) => {
      try {
        sha1Forms(h);
        return true;
      } catch {
        return false;
      }
    }, 'expected a SHA-1 hash in base64 (certHash form) or hex'),
    deadline: z.iso.datetime({ offset: true }).optional(),
    tftpServer: z.number().int().min(0).optional(),
    channel: z.enum(['tftp', 'http']).optional(),
  })
  .strict();

/** Backoff between re-reads of one stale file: 2 s doubling to 30 s, with jitter so phones do not re-read in step. */
const REREAD_BASE_MS = 2000;
const REREAD_MAX_MS = 30_000;
/** Heartbeat at least this often while waiting (the workflow's heartbeatTimeout is a minute). */
const HEARTBEAT_EVERY_MS = 5000;

function rereadDelay(reads: number): number {
  const base = Math.min(REREAD_MAX_MS, REREAD_BASE_MS * 2 ** Math.max(0, reads - 1));
  return base / 2 + (Math.random() * base) / 2;
}

/** Compact heartbeat form: [name, state, detail?, file?, matchedIndex?] per finished phone. */
type Finished = [string, PhoneConfigState, string?, string?, number?];

interface Progress {
  v: 1;
  finished: Finished[];
}

function resumeFrom(details: unknown): Map<string, PhoneConfigResult> {
  const done = new Map<string, PhoneConfigResult>();
  const p = details as Partial<Progress> | undefined;
  if (p?.v !== 1 || !Array.isArray(p.finished)) return done;
  for (const [name, state, detail, file, matchedIndex] of p.finished) {
    done.set(name, { name, state, detail, file, matchedIndex });
  }
  return done;
}

function toFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof DeviceError) {
    return ApplicationFailure.create({
      type: err.type,
      message: err.message,
      nonRetryable: !err.retryable,
      cause: err,
    });
  }
  return err;
}

function parseInput(input: unknown): VerifyPhoneConfigsInput {
  const r = InputSchema.safeParse(input);
  if (!r.success) {
    throw new InvalidInput(
      `invalid verifyPhoneConfigs input: ${r.error.issues.map((i) => `${i.path.join('.') || '(input)'} ${i.message}`).join('; ')}`,
    );
  }
  return r.data;
}

function serversFor(deps: ActivityDeps, input: VerifyPhoneConfigsInput): TftpServerEntry[] {
  const cluster = deps.inventory.cucm[input.cluster];
  if (!cluster) throw new InvalidInput(`no CUCM cluster "${input.cluster}" in the inventory`);
  if (input.tftpServer === undefined) return cluster.tftpServers;
  const server = cluster.tftpServers[input.tftpServer];
  if (!server) throw new InvalidInput(`cluster ${input.cluster} has no tftpServers[${input.tftpServer}]`);
  return [server];
}

/** A transient failure of one read: worth another read before the deadline, else reported as `error`. */
function isTransient(err: unknown): boolean {
  return err instanceof TftpTimeout || err instanceof TftpServerBusy || err instanceof TransportError;
}

interface Pending {
  name: string;
  reads: number;
  notBefore: number;
}

/** Timer settings of the TFTP reads (defaults suit a LAN; tests and benches shorten them). */
export type PhoneReadTuning = Pick<
  TftpGetOptions,
  'initialTimeoutMs' | 'minTimeoutMs' | 'maxTimeoutMs' | 'retries' | 'stallTimeoutMs'
>;

/** One verification run: a shared work list, `slots` readers per TFTP server. */
class Verification {
  /** Phones not read yet, in input order (a cursor instead of shifting a 10,000-entry array). */
  private readonly fresh: string[];
  private cursor = 0;
  /** Phones waiting for a re-read (stale or transient failure), each not before its time. */
  private readonly rereads: Pending[] = [];
  private lastBeat = 0;
  private answered = 0;
  private transientFailures = 0;

  constructor(
    private readonly input: VerifyPhoneConfigsInput,
    private readonly expected: string,
    private readonly deadline: number | undefined,
    private readonly done: Map<string, PhoneConfigResult>,
    private readonly tuning: PhoneReadTuning,
  ) {
    this.fresh = [...new Set(input.names)].filter((n) => !done.has(n));
  }

  async run(servers: TftpServerEntry[]): Promise<void> {
    const readers = servers.flatMap((server) => Array.from({ length: server.slots }, () => this.reader(server)));
    await Promise.all(readers);
    this.beat(true);
  }

  /** No read got any answer and some failed on the transport: the server is down, not the phones. */
  get unreachable(): boolean {
    return this.answered === 0 && this.transientFailures > 0;
  }

  private async reader(server: TftpServerEntry): Promise<void> {
    for (;;) {
      const next = this.takeReady();
      if (next === 'empty') return;
      if (next === 'wait') {
        await this.waitForNextReady();
        continue;
      }
      await this.readOne(server, next);
    }
  }

  private takeReady(): Pending | 'wait' | 'empty' {
    const now = Date.now();
    const due = this.rereads.findIndex((p) => p.notBefore <= now);
    if (due >= 0) return this.rereads.splice(due, 1)[0];
    if (this.cursor < this.fresh.length) return { name: this.fresh[this.cursor++], reads: 0, notBefore: 0 };
    return this.rereads.length > 0 ? 'wait' : 'empty';
  }

  private async waitForNextReady(): Promise<void> {
    const earliest = Math.min(...this.rereads.map((p) => p.notBefore));
    await sleep(Math.max(10, Math.min(HEARTBEAT_EVERY_MS, earliest - Date.now())));
    this.beat();
  }

  private async readOne(server: TftpServerEntry, item: Pending): Promise<void> {
    item.reads += 1;
    const { result, transient } = await this.read(server, item.name);
    result.reads = item.reads;
    const delay = rereadDelay(item.reads);
    if ((result.state === 'stale' || transient) && this.deadline !== undefined && Date.now() + delay < this.deadline) {
      item.notBefore = Date.now() + delay;
      this.rereads.push(item);
      return;
    }
    this.finish(result);
  }

  private async read(
    server: TftpServerEntry,
    name: string,
  ): Promise<{ result: PhoneConfigResult; transient: boolean }> {
    try {
      const fetched = await fetchPhoneConfig(
        { host: server.host, port: server.port, httpPort: server.httpPort },
        name,
        {
          channel: this.input.channel,
          signal: cancellationSignal(),
          tftp: this.tuning,
        },
      );
      this.answered += 1;
      const verdict = checkCertHash(readPhoneConfig(fetched.bytes, fetched.file), this.expected);
      const result = {
        name,
        state: verdict.state,
        detail: verdict.detail,
        file: fetched.file,
        matchedIndex: verdict.matchedIndex,
      };
      return { result, transient: false };
    } catch (err) {
      if (cancellationSignal().aborted) throw err;
      if (err instanceof ConfigFileNotFound) {
        this.answered += 1;
        return { result: { name, state: 'missing', detail: err.message }, transient: false };
      }
      const transient = isTransient(err);
      if (transient) this.transientFailures += 1;
      const type = err instanceof DeviceError ? err.type : 'Error';
      return {
        result: { name, state: 'error', detail: `${type}: ${err instanceof Error ? err.message : String(err)}` },
        transient,
      };
    }
  }

  private finish(result: PhoneConfigResult): void {
    this.done.set(result.name, result);
    this.beat();
  }

  /** Heartbeats are throttled here: building the details for thousands of phones on every read would cost more than the reads. */
  private beat(force = false): void {
    const now = Date.now();
    if (!force && now - this.lastBeat < 1000) return;
    this.lastBeat = now;
    const finished: Finished[] = [...this.done.values()].map((r) => [
      r.name,
      r.state,
      r.detail,
      r.file,
      r.matchedIndex,
    ]);
    heartbeat({ v: 1, finished } satisfies Progress);
  }
}

function summarize(names: string[], done: Map<string, PhoneConfigResult>): VerifyPhoneConfigsResult {
  const counts = Object.fromEntries(PHONE_CONFIG_STATES.map((s) => [s, 0])) as Record<PhoneConfigState, number>;
  const results: PhoneConfigResult[] = [];
  for (const name of new Set(names)) {
    const r = done.get(name)!;
    counts[r.state] += 1;
    results.push(r);
  }
  return { counts, results };
}

export function createPhoneActivities(deps: ActivityDeps, tuning: PhoneReadTuning = {}) {
  return {
    /**
     * Read `SEP<MAC>.cnf.xml.sgn` (else `.cnf.xml`) of each phone and report per phone: verified (the expected
     * hash is among its certHashes), stale (not yet), missing (CUCM has no file), encrypted (cannot be read over
     * TFTP), unreadable (not a valid config), error (the read failed). Throws a retryable TftpUnreachable when
     * no read got any answer (server down): Temporal retries and the heartbeat keeps what was done.
     */
    async verifyPhoneConfigs(raw: VerifyPhoneConfigsInput): Promise<VerifyPhoneConfigsResult> {
      try {
        const input = parseInput(raw);
        const servers = serversFor(deps, input);
        const expected = sha1Forms(input.expectedHash).sha1Base64;
        const done = resumeFrom(activityInfo().heartbeatDetails);
        const deadline = input.deadline ? Date.parse(input.deadline) : undefined;
        const run = new Verification(input, expected, deadline, done, tuning);
        if (done.size > 0)
          log.info('verifyPhoneConfigs resumes from heartbeat', { finished: done.size, total: input.names.length });
        await run.run(servers);
        if (run.unreachable) {
          throw ApplicationFailure.create({
            type: 'TftpUnreachable',
            message: `no TFTP answer from ${servers.map((s) => `${s.host}:${s.port}`).join(', ')} for any of ${input.names.length} phones`,
            nonRetryable: false,
          });
        }
        return summarize(input.names, done);
      } catch (err) {
        throw toFailure(err);
      }
    },
  };
}

export type PhoneActivities = ReturnType<typeof createPhoneActivities>;
