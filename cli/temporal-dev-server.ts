/**
 * Launches the official Temporal CLI dev server (`temporal server start-dev`) configured for certroll: namespace,
 * search attributes, the Update dynamic-config flags and, optionally, the Web UI and SQLite persistence.
 * Used by `certroll dev-server`, `certroll demo` and the test harness.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { projectRoot } from '../config/project-root';
import { certrollSearchAttributes } from '../workflows/search-attributes';

export const CERTROLL_NAMESPACE = 'certroll';

export interface DevServerOptions {
  ip?: string;
  port?: number;
  /** Serve the Web UI on this port; omit for a headless server. */
  uiPort?: number;
  dbFilename?: string;
  namespace?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  extraArgs?: string[];
  /** Where the server's own output goes (default: discarded). */
  stdio?: 'inherit' | 'ignore';
  startTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  namespace: string;
  uiUrl: string | undefined;
  process: ChildProcess;
  stop(): Promise<void>;
}

export class TemporalCliNotFound extends Error {
  readonly type = 'TemporalCliNotFound';
}

const TEMPORAL_TYPE_NAMES: Record<string, string> = {
  KEYWORD: 'Keyword',
  DATETIME: 'Datetime',
  TEXT: 'Text',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  KEYWORD_LIST: 'KeywordList',
};

/** Run scripts/ensure-temporal and return the binary path, or throw with its install message. */
export function resolveTemporalCli(): string {
  const script = path.join(projectRoot(), 'scripts', 'ensure-temporal');
  try {
    return execFileSync(script, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    throw new TemporalCliNotFound(e.stderr?.toString().trim() || e.message);
  }
}

export async function freePort(ip = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, ip, () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export function devServerArgs(
  opts: Required<Pick<DevServerOptions, 'ip' | 'port' | 'namespace' | 'logLevel'>> & DevServerOptions,
): string[] {
  const args = [
    'server',
    'start-dev',
    '--ip',
    opts.ip,
    '--port',
    String(opts.port),
    '--namespace',
    opts.namespace,
    '--log-level',
    opts.logLevel,
    // Some server versions ship Updates disabled; the SDK's own ephemeral server passes the same two flags.
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
  ];
  for (const key of certrollSearchAttributes) {
    args.push('--search-attribute', `${key.name}=${TEMPORAL_TYPE_NAMES[key.type]}`);
  }
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort), '--ui-ip', opts.ip);
  else args.push('--headless');
  if (opts.dbFilename) args.push('--db-filename', opts.dbFilename);
  return [...args, ...(opts.extraArgs ?? [])];
}

async function waitUntilServing(address: string, namespace: string, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`temporal server exited with code ${child.exitCode} before serving`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`temporal server at ${address} did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}

/** Start the dev server and resolve once its namespace answers. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const exe = resolveTemporalCli();
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port ?? (await freePort(ip));
  const namespace = options.namespace ?? CERTROLL_NAMESPACE;
  const args = devServerArgs({ ...options, ip, port, namespace, logLevel: options.logLevel ?? 'error' });
  const child = spawn(exe, args, { stdio: options.stdio ?? 'ignore', detached: false });
  const address = `${ip}:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(killer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  try {
    await waitUntilServing(address, namespace, child, options.startTimeoutMs ?? 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    address,
    namespace,
    uiUrl: options.uiPort ? `http://${ip}:${options.uiPort}` : undefined,
    process: child,
    stop,
  };
}
