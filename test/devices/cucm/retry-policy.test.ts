import { WorkflowFailedError } from '@temporalio/client';
import { bundleWorkflowCode, Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { parseCertificate } from '../../../devices/cert';
import { createCucmActivities } from '../../../activities/cucm';
import { CucmLab, startCucmLab } from '../../../lab/cucm';
import { connectTestTemporal, TestTemporal, uniqueTaskQueue } from '../../support/temporal';
import { labInventory, oldAndNewCertificates } from './helpers';
import { setGatewayWithRetry } from './retry-workflow';

const certs = oldAndNewCertificates();
const old = parseCertificate(certs.old);
const renewed = parseCertificate(certs.renewed);
const oldMember = { issuerName: old.issuer.rfc2253, serialNumber: old.serialHex };
const newMember = { issuerName: renewed.issuer.rfc2253, serialNumber: renewed.serialHex };

describe('AXL 503 storms are absorbed by the activity retry policy on a real Temporal worker', () => {
  let t: TestTemporal;
  let lab: CucmLab;
  let bundle: WorkflowBundleWithSourceMap;
  let taskQueue: string;

  /** A fresh worker per test (a worker cannot run again once runUntil has shut it down). */
  function createWorker(): Promise<Worker> {
    return Worker.create({
      connection: t.nativeConnection,
      namespace: t.namespace,
      taskQueue,
      workflowBundle: bundle,
      activities: createCucmActivities(labInventory(lab)),
    });
  }

  beforeAll(async () => {
    t = await connectTestTemporal();
    lab = await startCucmLab({ vpn: { certificates: [certs.old] } });
    lab.seedTrustCertificate(certs.renewed);
    taskQueue = uniqueTaskQueue('cucm-retry');
    const quiet = { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} };
    bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./retry-workflow'), logger: quiet });
  });
  afterAll(async () => {
    await lab?.close();
    await t?.close();
  });

  it('three 503s, then success: one request per attempt, growing gaps, the gateway set once', async () => {
    lab.requestLog.length = 0;
    lab.faults.axlThrottle503 = 3;
    const worker = await createWorker();
    const result = await worker.runUntil(
      t.client.workflow.execute(setGatewayWithRetry, {
        taskQueue,
        workflowId: `${taskQueue}-storm`,
        args: [{ cluster: 'lab', gateway: 'ASA-PhoneVPN', certificates: [oldMember, newMember] }],
      }),
    );
    expect(result).toEqual({ changed: true, before: [oldMember] });
    const writes = lab.requestLog.filter((r) => r.operation === 'updateVpnGateway');
    expect(writes.map((w) => w.status)).toEqual([503, 503, 503, 200]);
    const gaps = writes.slice(1).map((w, i) => Date.parse(w.at) - Date.parse(writes[i].at));
    // Temporal waits at least the backoff interval (300 ms, x2 each time) between attempts.
    expect(gaps[0]).toBeGreaterThanOrEqual(250);
    expect(gaps[1]).toBeGreaterThanOrEqual(550);
    expect(gaps[2]).toBeGreaterThanOrEqual(1100);
    expect(lab.state().gateways[0].certificates.map((c) => c.serialNumber)).toEqual([old.serialHex, renewed.serialHex]);
  });

  it('a non-retryable AXL fault fails at once: one attempt only', async () => {
    lab.requestLog.length = 0;
    const worker = await createWorker();
    const err = await worker
      .runUntil(
        t.client.workflow.execute(setGatewayWithRetry, {
          taskQueue,
          workflowId: `${taskQueue}-fault`,
          args: [
            {
              cluster: 'lab',
              gateway: 'ASA-PhoneVPN',
              certificates: [{ issuerName: 'CN=unknown', serialNumber: '01' }],
            },
          ],
        }),
      )
      .catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause?.cause).toMatchObject({ type: 'AxlFault', nonRetryable: true });
    expect(lab.requestLog.filter((r) => r.operation === 'updateVpnGateway').map((r) => r.status)).toEqual([500]);
  });
});
