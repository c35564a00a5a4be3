/**
 * The lab's Cisco TFTP service: a UDP TFTP server and an HTTP 6970 server over the CUCM lab's config files
 * (ConfigFileSource), with CUCM's serving model (5 served at once, a queue up to the Maximum Serving Count, an
 * error past it) and fault knobs that tests and demos change while it runs.
 */
import type { ConfigFileSource, Endpoint } from '../contracts';
import { Http6970Server } from './http-6970';
import { LossyLink } from './lossy-link';
import { seededRandom } from './random';
import { ServingQueue } from './serving-queue';
import { TftpUdpServer, type TftpLabKnobs, type TransferRecord } from './udp-server';

export type { TftpLabKnobs, TransferRecord, TransferResult } from './udp-server';
export { SERVING_COUNT_EXCEEDED } from './udp-server';

export interface TftpLabOptions {
  files: ConfigFileSource;
  host?: string;
  /** UDP request port; 0 = ephemeral. */
  port?: number;
  /** HTTP 6970-style port; 0 = ephemeral. */
  httpPort?: number;
  oack?: boolean;
  lossPercent?: number;
  latencyMs?: number;
  missing?: string[];
  /** Transfers served at once (CUCM 11.5+: 5). */
  servingSlots?: number;
  /** CUCM's Maximum Serving Count: active + queued requests; past it the request gets an error. */
  maxServingCount?: number;
  retransmitMs?: number;
  maxRetransmits?: number;
  maxBlksize?: number;
  /** Seed for the packet-loss dice, so a lossy run repeats. */
  seed?: number;
}

export interface TftpLabStats {
  /** Transfers completed successfully (TFTP and HTTP). */
  served: number;
  queuedPeak: number;
  /** Most transfers ever served at once (never above servingSlots). */
  activePeak: number;
  /** Requests refused past the Maximum Serving Count. */
  refused: number;
  active: number;
  queued: number;
  notFound: number;
  /** Datagrams the lossy link dropped. */
  dropped: number;
}

export interface TftpLab {
  udp: Endpoint;
  http: Endpoint;
  /** Change faults while the lab runs (loss, latency, OACK, missing files…). */
  knobs: TftpLabKnobs;
  stats(): TftpLabStats;
  transferLog: TransferRecord[];
  close(): Promise<void>;
}

/** CUCM's suggested Maximum Serving Count for a 1-CPU TFTP node (TAC 222878). */
const DEFAULT_MAX_SERVING_COUNT = 1500;

export async function startTftpLab(opts: TftpLabOptions): Promise<TftpLab> {
  const host = opts.host ?? '127.0.0.1';
  const knobs: TftpLabKnobs = {
    oack: opts.oack ?? true,
    lossPercent: opts.lossPercent ?? 0,
    latencyMs: opts.latencyMs ?? 0,
    missing: new Set(opts.missing ?? []),
    retransmitMs: opts.retransmitMs ?? 1000,
    maxRetransmits: opts.maxRetransmits ?? 5,
    maxBlksize: opts.maxBlksize ?? 65464,
  };
  const queue = new ServingQueue({
    slots: opts.servingSlots ?? 5,
    maxServingCount: opts.maxServingCount ?? DEFAULT_MAX_SERVING_COUNT,
  });
  const link = new LossyLink(knobs, opts.seed === undefined ? Math.random : seededRandom(opts.seed));
  const transferLog: TransferRecord[] = [];
  const counters = { served: 0, notFound: 0 };
  const record = (r: Omit<TransferRecord, 'at'>) => {
    if (r.result === 'ok') counters.served += 1;
    if (r.result === 'not-found') counters.notFound += 1;
    transferLog.push({ ...r, at: new Date().toISOString() });
  };
  const udpServer = new TftpUdpServer({ files: opts.files, knobs, queue, link, record, host });
  const httpServer = new Http6970Server({ files: opts.files, knobs, queue, record, host });
  const udp = await udpServer.listen(opts.port ?? 0);
  let http: Endpoint;
  try {
    http = await httpServer.listen(opts.httpPort ?? 0);
  } catch (err) {
    await udpServer.close();
    throw err;
  }
  return {
    udp,
    http,
    knobs,
    transferLog,
    stats: () => ({
      served: counters.served,
      queuedPeak: queue.queuedPeak,
      activePeak: queue.activePeak,
      refused: queue.refused,
      active: queue.active,
      queued: queue.queued,
      notFound: counters.notFound,
      dropped: link.dropped,
    }),
    close: async () => {
      await Promise.all([udpServer.close(), httpServer.close()]);
    },
  };
}

/** A ConfigFileSource over a plain map, for tests and benches that need no CUCM lab. */
export function mapFileSource(files: Map<string, Buffer>): ConfigFileSource {
  return { readFile: (name) => files.get(name), listFiles: () => [...files.keys()] };
}
