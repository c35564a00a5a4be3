/**
 * A fleet of lab VPN phones between the CUCM lab (which resets them and shows their registration in RisPort),
 * the lab TFTP service (where they fetch their config) and the ASA lab (whose certificate they must trust).
 * Its RisPort view is the truth the orchestrator has to discover.
 */
import type { AsaTlsFace, CucmPhoneRegistry, Endpoint } from '../contracts';
import { sha1Forms } from '../../devices/cert';
import { seededRandom } from '../tftp/random';
import { LabPhone, type FleetContext, type FleetKnobs, type LabPhoneView, type PhoneState } from './phone';

export type { FleetKnobs, LabPhoneView, PhoneState } from './phone';

export interface PhoneFleetOptions {
  cucm: CucmPhoneRegistry;
  /** The lab TFTP service's UDP endpoint. */
  tftp: Endpoint;
  asa: AsaTlsFace;
  /** Reset → config fetch (jittered ±50 %). */
  bootDelayMs?: number;
  /** Trustpoint switch → connected phones re-handshake (jittered ±50 %). */
  rehandshakeDelayMs?: number;
  /** A phone whose tunnel failed tries again this often; 0 = never (default 30 s, the profile's failConnectTime). */
  retryIntervalMs?: number;
  /** Share (0-1) of phones that never come back after a reset (powered off, user away). */
  neverReturnShare?: number;
  seed?: number;
  /** Boot every phone at start (really fetching and handshaking) and wait until they settle. */
  initialBoot?: boolean;
  /** Only these phones (default: every phone the CUCM lab has). */
  names?: string[];
  /** Phones fetching or handshaking at once. */
  concurrency?: number;
}

export interface FleetStats {
  registered: number;
  unregistered: number;
  booting: number;
}

export interface PhoneFleet {
  phone(name: string): LabPhoneView;
  consoleLog(name: string): string[];
  stats(): FleetStats;
  /** Knobs the test or demo may change while the fleet runs. */
  knobs: FleetKnobs;
  /**
   * Fault: from the next handshake on, every phone refuses this certificate (base64 SHA-1 or hex) even though its
   * hash is in the config, like old firmware that cannot use it. Connected phones meet it at the next switch.
   */
  rejectCertificate(sha1: string): void;
  /** Undo every rejectCertificate. */
  clearRejections(): void;
  /** Resolves when no boot, re-handshake or scheduled step is pending (background retries excepted). */
  settle(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Counts pending work (timers and running steps) so `settle` knows when the fleet is quiet. */
class WorkTracker {
  private pending = 0;
  private waiters: Array<() => void> = [];

  begin(): void {
    this.pending += 1;
  }

  end(): void {
    this.pending -= 1;
    if (this.pending === 0) for (const w of this.waiters.splice(0)) w();
  }

  idle(timeoutMs: number): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(new Error(`the phone fleet did not settle within ${timeoutMs} ms (${this.pending} steps pending)`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(done);
    });
  }
}

/** A plain semaphore: at most `size` phones in their network steps. */
function gateOf(size: number): FleetContext['gate'] {
  let running = 0;
  const queue: Array<() => void> = [];
  return async (fn) => {
    if (running >= size) await new Promise<void>((resolve) => queue.push(resolve));
    running += 1;
    try {
      return await fn();
    } finally {
      running -= 1;
      queue.shift()?.();
    }
  };
}

function ipOf(index: number): string {
  const n = index + 10;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/** Which phones never come back: a seeded shuffle, so a run repeats. */
function pickNeverReturning(names: string[], share: number, random: () => number): Set<string> {
  const shuffled = [...names];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  return new Set(shuffled.slice(0, Math.round(names.length * Math.min(1, Math.max(0, share)))));
}

export async function startPhoneFleet(opts: PhoneFleetOptions): Promise<PhoneFleet> {
  const random = seededRandom(opts.seed ?? 1);
  const knobs: FleetKnobs = {
    bootDelayMs: opts.bootDelayMs ?? 2000,
    rehandshakeDelayMs: opts.rehandshakeDelayMs ?? 1000,
    retryIntervalMs: opts.retryIntervalMs ?? 30_000,
  };
  const work = new WorkTracker();
  /** Scheduled steps, and whether each counts as pending work. */
  const timers = new Map<NodeJS.Timeout, boolean>();
  let closed = false;
  const ctx: FleetContext = {
    cucm: opts.cucm,
    tftp: opts.tftp,
    asa: opts.asa,
    knobs,
    random,
    rejected: new Set(),
    gate: gateOf(opts.concurrency ?? 32),
    later(ms, fn, background = false) {
      if (closed) return;
      if (!background) work.begin();
      const timer = setTimeout(() => {
        timers.delete(timer);
        void Promise.resolve()
          .then(() => (closed ? undefined : fn()))
          .catch(() => undefined) // a phone's failure is logged by the phone; the fleet goes on
          .finally(() => {
            if (!background) work.end();
          });
      }, ms);
      timers.set(timer, background);
    },
  };

  const wanted = opts.names ? new Set(opts.names) : undefined;
  const records = opts.cucm.listPhones().filter((r) => !wanted || wanted.has(r.name));
  const neverReturning = pickNeverReturning(
    records.map((r) => r.name),
    opts.neverReturnShare ?? 0,
    random,
  );
  const phones = new Map(records.map((r, i) => [r.name, new LabPhone(r, ipOf(i), neverReturning.has(r.name), ctx)]));

  const unsubscribeActions = opts.cucm.onPhoneAction((name, action) => phones.get(name)?.onAction(action));
  const unsubscribeSwitch = opts.asa.onTrustpointSwitch(() => {
    for (const phone of phones.values()) phone.onTrustpointSwitch();
  });

  const get = (name: string): LabPhone => {
    const phone = phones.get(name);
    if (!phone) throw new Error(`no phone ${name} in the fleet`);
    return phone;
  };

  const fleet: PhoneFleet = {
    phone: (name) => get(name).view(),
    consoleLog: (name) => get(name).log.all(),
    knobs,
    rejectCertificate: (sha1) => void ctx.rejected.add(sha1Forms(sha1).sha1Base64),
    clearRejections: () => ctx.rejected.clear(),
    stats() {
      const counts: Record<PhoneState, number> = { registered: 0, unregistered: 0, booting: 0 };
      for (const phone of phones.values()) counts[phone.phoneState] += 1;
      return counts;
    },
    settle: (timeoutMs) => work.idle(timeoutMs),
    async close() {
      closed = true;
      unsubscribeActions();
      unsubscribeSwitch();
      for (const [timer, background] of timers) {
        clearTimeout(timer);
        if (!background) work.end();
      }
      timers.clear();
      await work.idle(30_000).catch(() => undefined);
    },
  };

  if (opts.initialBoot ?? true) {
    for (const phone of phones.values()) phone.powerOn();
    await fleet.settle(Math.max(60_000, phones.size * 100));
  }
  return fleet;
}
