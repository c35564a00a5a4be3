/** The work behind `certroll demo` (loaded only when the verb runs: it pulls in the worker runtime and the lab). */
import type { DemoFlags } from './commands/demo';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { rolloverStartOptions } from '../activities/rollover-start';
import { projectRoot } from '../config/project-root';
import { startLab } from '../lab';
import { resolveSecret } from '../worker/secrets';
import { createCertrollWorkers } from '../worker/workers';
import { decide } from '../workflows/messages';
import { rolloverStatus, rolloverWorkflow } from '../workflows/rollover';
import type { RolloverInput, RolloverResult, RolloverStatus } from '../workflows/rollover-types';
import { EXIT_FAILURE, EXIT_OK, printJson } from './exit';
import { readStatus } from './read-status';
import { renderReport } from './report';
import { createServer } from 'node:net';
import { DevServer, freePort, startDevServer } from './temporal-dev-server';
import { temporalTarget, workflowUiUrl } from './temporal-client';

function portIsFree(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** The usual port when it is free (so `certroll` in another terminal finds the server without settings), else any. */
async function portFor(usual: number, requested?: number): Promise<number> {
  if (requested) return requested;
  return (await portIsFree(usual)) ? usual : freePort();
}

/** The command a user types in a second terminal; it names the server when that is not the default one. */
function approveCommand(address: string, workflowId: string, gate: string): string {
  const who = process.env.USER || 'your-name';
  const prefix = address === '127.0.0.1:7233' ? '' : `TEMPORAL_ADDRESS=${address} `;
  return `${prefix}npx certroll approve '${workflowId}' --gate ${gate} --by ${who}`;
}

function demoInput(
  names: { asa: string; cluster: string; gateway: string },
  phones: number,
  autoApprove: boolean,
): RolloverInput {
  const gate = autoApprove ? 'auto' : 'manual';
  return {
    ...names,
    options: {
      waveSize: Math.min(250, Math.max(100, Math.ceil(phones / 4))),
      batchSize: 50,
      registrationTimeout: '2 minutes',
      registrationPollInterval: '3 seconds',
      configVerifyTimeout: '1 minute',
      soak: '5 seconds',
      switchSettle: '3 seconds',
      gates: { plan: gate, push: gate, switch: gate, cleanup: gate },
    },
  };
}

function say(json: boolean | undefined, text: string): void {
  if (!json) process.stdout.write(`${text}\n`);
}

/** With --auto-approve nobody watches: a failure is rolled back at once, so the demo ends (and exits 1). */
async function rollBackFailure(handle: WorkflowHandle<typeof rolloverWorkflow>, s: RolloverStatus): Promise<void> {
  await handle.executeUpdate(decide, {
    args: [{ gate: 'failure', decision: 'rollback', by: 'certroll demo --auto-approve', comment: s.lastError }],
  });
}

/** Follow the rollover; at each gate tell a first-time user exactly how to decide it. */
async function follow(
  handle: WorkflowHandle<typeof rolloverWorkflow>,
  namespace: string,
  address: string,
  f: DemoFlags,
): Promise<RolloverResult> {
  const json = f.json;
  const ui = workflowUiUrl(namespace, handle.workflowId);
  let lastPhase = '';
  let lastGate = '';
  const resultPromise = handle.result();
  let done = false;
  void resultPromise.finally(() => (done = true)).catch(() => undefined);
  while (!done) {
    let s: RolloverStatus | undefined;
    try {
      s = await handle.query(rolloverStatus);
    } catch {
      // between continue-as-new runs or finishing
    }
    if (s) {
      if (s.phase !== lastPhase) {
        lastPhase = s.phase;
        const c = s.coverage;
        say(json, `  phase ${s.phase}  (phones ${c.registered}/${c.inScope} registered, ${c.failed} failed)`);
      }
      const gateKey = s.gate ? `${s.gate.gate}@${s.gate.openedAt}` : '';
      if (s.gate && gateKey !== lastGate && s.gate.gate === 'failure' && f.autoApprove) {
        lastGate = gateKey;
        say(json, `\n  ✗  ${s.lastError ?? 'a phase failed'}: rolling back (--auto-approve)\n`);
        await rollBackFailure(handle, s);
      } else if (s.gate && gateKey !== lastGate) {
        lastGate = gateKey;
        say(
          json,
          `\n  ⏸  gate "${s.gate.gate}" is waiting: ${s.gate.question}\n` +
            (s.gate.approvalBlockedBy.length ? `     blocked: ${s.gate.approvalBlockedBy.join('; ')}\n` : '') +
            `     Web UI: ${ui}\n       → More Actions → Send an Update → decide, with:\n       ${s.gate.example.replace('your-name', process.env.USER || 'your-name')}\n` +
            `     or in another terminal:\n       ${approveCommand(address, handle.workflowId, s.gate.gate)}\n`,
        );
      }
    }
    await Promise.race([resultPromise.catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);
  }
  return resultPromise;
}

export async function runDemo(f: DemoFlags): Promise<number> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  let server: DevServer | undefined;
  let address: string;
  let namespace: string;
  if (process.env.TEMPORAL_ADDRESS) {
    ({ address, namespace } = temporalTarget());
  } else {
    const uiPort = await portFor(8233, f.uiPort);
    const port = await portFor(7233);
    say(f.json, 'starting an embedded Temporal dev server…');
    server = await startDevServer({ uiPort, port });
    address = server.address;
    namespace = server.namespace;
    process.env.CERTROLL_UI_URL ??= server.uiUrl;
    say(f.json, `Temporal Web UI: ${server.uiUrl}  (gRPC ${address}, namespace ${namespace})`);
  }
  say(f.json, `starting the lab: ASA, CUCM, TFTP and ${f.phones} VPN phones on loopback…`);
  const lab = await startLab({ phones: f.phones });
  if (f.failAt === 'gateway')
    lab.cucm.faults.axlFaultOn = { operation: 'updateVpnGateway', code: 5003, message: 'Could not update VPN Gateway' };
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  const taskQueue = 'certroll-demo';
  const workers = await createCertrollWorkers({
    connection: nativeConnection,
    namespace,
    inventory: lab.inventory,
    resolveSecret: (ref) => resolveSecret(ref),
    taskQueue,
  });
  try {
    return await workers.runUntil(async () => {
      const input = demoInput(lab.names, f.phones, !!f.autoApprove);
      const handle = await client.workflow.start(
        rolloverWorkflow,
        rolloverStartOptions(input, taskQueue, 'FAIL', { phonesInScope: f.phones }),
      );
      say(f.json, `rollover ${handle.workflowId} started\n  Web UI: ${workflowUiUrl(namespace, handle.workflowId)}`);
      // A run that ends without a result (failed, terminated) still gets its report, from its last status.
      const result: { outcome: RolloverResult['outcome'] | 'failed'; status: RolloverStatus } = await follow(
        handle,
        namespace,
        address,
        f,
      ).catch(async (err: Error) => ({
        outcome: 'failed' as const,
        status: { ...(await readStatus(client, handle.workflowId)), lastError: err.message },
      }));
      const s = result.status;
      const newHash = s.artifacts.newCert?.sha1Base64;
      const phones = lab.cucm.state().phones;
      const onNew = phones.filter(
        (p) => p.status === 'Registered' && newHash && lab.fleet.phone(p.name).lastHandshakeSha1 === newHash,
      ).length;
      // reports/<workflowId>.md, e.g. reports/rollover/asa1/ASA-PhoneVPN.md (ID parts are inventory names).
      const parts = handle.workflowId.split('/').map((p) => p.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+$/, '_'));
      const reportPath = `${path.join(projectRoot(), 'reports', ...parts)}.md`;
      mkdirSync(path.dirname(reportPath), { recursive: true });
      writeFileSync(reportPath, renderReport(s, { phonesOnNewCertificate: onNew, phonesTotal: phones.length }));
      const ok = result.outcome === 'completed' && onNew === phones.length;
      if (f.json) {
        printJson({
          workflowId: handle.workflowId,
          outcome: result.outcome,
          finalPhase: s.phase,
          gateLog: s.gateLog,
          phones: {
            inScope: s.coverage.inScope,
            applied: s.coverage.applied,
            verified: s.coverage.verified,
            registered: s.coverage.registered,
            failed: s.coverage.failed,
          },
          phonesOnNewCertificate: onNew,
          report: reportPath,
        });
      } else {
        say(
          false,
          `\nrollover ${result.outcome}: ${onNew}/${phones.length} lab phones registered through the new certificate` +
            `${newHash ? ` (certHash ${newHash})` : ''}\n  applied ${s.coverage.applied}, verified ${s.coverage.verified}, registered ${s.coverage.registered}, failed ${s.coverage.failed}\n  report: ${reportPath}`,
        );
      }
      return ok ? EXIT_OK : EXIT_FAILURE;
    });
  } finally {
    await lab.close();
    await connection.close();
    await nativeConnection.close();
    await server?.stop();
  }
}
