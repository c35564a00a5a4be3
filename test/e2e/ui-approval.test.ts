/**
 * A person approves a gate in the Temporal Web UI: Debian's Chromium, driven by playwright-core, against the dev
 * server's own UI, with a real rollover (lab devices, real worker) waiting at its plan gate.
 * Screenshots before and after the approval land in test-output/ui-approval/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { Browser, chromium, Page } from 'playwright-core';
import { rolloverStartOptions } from '../../activities/rollover-start';
import { DevServer, freePort, startDevServer } from '../../cli/temporal-dev-server';
import { Lab, startLab } from '../../lab';
import { resolveSecret } from '../../worker/secrets';
import { CertrollWorkers, createCertrollWorkers } from '../../worker/workers';
import { rolloverStatus, rolloverWorkflow } from '../../workflows/rollover';
import type { RolloverStatus } from '../../workflows/rollover-types';
import { FAST_OPTIONS } from '../support/rollover-harness';
import { workflowBundle } from '../support/temporal';

const CHROMIUM = '/usr/bin/chromium';
const OUT = path.resolve(__dirname, '..', '..', 'test-output', 'ui-approval');

if (!existsSync(CHROMIUM)) {
  throw new Error(
    `Debian's chromium is required for this system test: sudo apt-get install -y chromium (${CHROMIUM} missing)`,
  );
}

/** The workflow's current details (markdown) live on the "User Metadata" tab of the workflow page. */
async function showCurrentDetails(page: Page) {
  try {
    await page
      .locator('a:visible, button:visible', { hasText: /^\s*User Metadata\s*$/ })
      .first()
      .click();
    await page
      .getByText(/for freshness/)
      .filter({ visible: true })
      .first()
      .waitFor({ timeout: 60_000 });
  } catch (err) {
    await page.screenshot({ path: path.join(OUT, 'failure-user-metadata.png'), fullPage: true });
    throw err;
  }
}

/** The UI renders the markdown (sanitised) in an iframe of its own. */
function currentDetails(page: Page) {
  return page.locator('iframe#user-metadata-current-details').first().contentFrame();
}

async function openUpdateModal(page: Page) {
  await page.getByRole('button', { name: 'More Actions' }).click();
  await page.getByRole('menuitem', { name: 'Send an Update' }).first().click();
  const modal = page.locator('#modal-content-update-confirmation-modal:visible');
  await modal.getByTestId('update-select-button').click();
  // The dropdown lists the workflow's Update handlers with their descriptions.
  const option = modal.locator('li[role=option]', { hasText: 'decide' });
  await option.waitFor();
  const description = await option.innerText();
  await option.click();
  return { modal, description };
}

async function sendUpdate(page: Page, payload: object): Promise<{ description: string }> {
  const { modal, description } = await openUpdateModal(page);
  await modal.locator('[role=textbox][aria-label=Data]').click();
  await page.keyboard.insertText(JSON.stringify(payload));
  // A synthetic click: the editor reformats the JSON on blur, which can swallow the first pointer click.
  await page
    .locator('button:visible', { hasText: 'Submit' })
    .last()
    .evaluate((b) => (b as unknown as { click(): void }).click());
  return { description };
}

async function waitForStatus(
  client: Client,
  workflowId: string,
  pred: (s: RolloverStatus) => boolean,
  timeoutMs = 120_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await client.workflow.getHandle(workflowId).query(rolloverStatus);
    if (pred(s)) return s;
    if (Date.now() > deadline) throw new Error(`status never matched; phase ${s.phase}, gate ${s.gate?.gate}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('approval gates in the Temporal Web UI (real browser)', () => {
  let server: DevServer;
  let lab: Lab;
  let workers: CertrollWorkers;
  let running: Promise<void>;
  let browser: Browser;
  let client: Client;
  let connection: Connection;
  let native: NativeConnection;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    server = await startDevServer({ uiPort: await freePort() });
    lab = await startLab({ phones: 10, names: { asa: 'asa1', cluster: 'cluster1', gateway: 'ASA-PhoneVPN' } });
    native = await NativeConnection.connect({ address: server.address });
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection, namespace: server.namespace });
    workers = await createCertrollWorkers({
      connection: native,
      namespace: server.namespace,
      inventory: lab.inventory,
      resolveSecret: (ref) => resolveSecret(ref),
      taskQueue: 'certroll-ui',
      workflowBundle: workflowBundle(),
    });
    running = workers.run();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    workers?.shutdown();
    await running;
    await lab?.close();
    await connection?.close();
    await native?.close();
    await server?.stop();
  });

  it('approves the plan gate through "Send an Update", and shows the validator rejection for a gate that is not open', async () => {
    const input = { asa: 'asa1', cluster: 'cluster1', gateway: 'ASA-PhoneVPN', options: { ...FAST_OPTIONS } };
    const handle = await client.workflow.start(
      rolloverWorkflow,
      rolloverStartOptions(input, 'certroll-ui', 'FAIL', { phonesInScope: 10 }),
    );
    await waitForStatus(client, handle.workflowId, (s) => s.gate?.gate === 'plan');

    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    await page.goto(
      `${server.uiUrl}/namespaces/${server.namespace}/workflows/${encodeURIComponent(handle.workflowId)}`,
    );
    await showCurrentDetails(page);
    // The current details (markdown from the workflow) name the open gate and the JSON to send.
    const details = currentDetails(page);
    await details.getByText('is waiting for a decision').first().waitFor({ timeout: 60_000 });
    const detailsText = await details.locator('body').innerText();
    const gate = /Gate (\S+) is waiting for a decision/.exec(detailsText)?.[1];
    expect(gate).toBe('plan');
    expect(detailsText).toContain('{"gate":"plan","decision":"approve","by":"your-name"}');
    // Rendered markdown, not raw text: the phase table is a table, the payload a code block, no markup leaks.
    expect(await details.locator('table').count()).toBeGreaterThanOrEqual(1);
    await details
      .locator('code', { hasText: '{"gate":"plan","decision":"approve","by":"your-name"}' })
      .first()
      .waitFor();
    expect(detailsText).not.toMatch(/\|---|<table|<code/);
    // The start-time summary and details above the current details.
    // (Summary, details and current details each render in a frame of their own.)
    const frames = await Promise.all(
      page.frames().map((f) =>
        f
          .locator('body')
          .innerText()
          .catch(() => ''),
      ),
    );
    const metadataText = frames.join('\n');
    expect(metadataText).toContain('Certificate rollover asa1 → gateway ASA-PhoneVPN');
    expect(metadataText).toMatch(/Phones in scope:?\s*10/);
    await page.screenshot({ path: path.join(OUT, '1-plan-gate-waiting.png'), fullPage: true });

    const { description } = await sendUpdate(page, { gate, decision: 'approve', by: 'ui-test' });
    expect(description).toContain('{"gate":"plan","decision":"approve","by":"your-name","comment":"optional"}');
    await page.getByText('Update successful').filter({ visible: true }).first().waitFor({ timeout: 30_000 });
    const next = await waitForStatus(client, handle.workflowId, (s) => s.gate?.gate === 'push');
    expect(next.gateLog).toEqual([expect.objectContaining({ gate: 'plan', decision: 'approve', by: 'ui-test' })]);
    await page.reload();
    await showCurrentDetails(page);
    await currentDetails(page)
      .getByText(/Gate\s+push\s+is waiting for a decision/)
      .first()
      .waitFor({ timeout: 60_000 });
    // The decisions table shows who approved the plan, from the UI.
    await currentDetails(page)
      .locator('td', { hasText: /^ui-test$/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(OUT, '2-after-plan-approved.png'), fullPage: true });

    await sendUpdate(page, { gate: 'switch', decision: 'approve', by: 'ui-test' });
    await page
      .getByText('gate "switch" is not open; the open gate is "push"')
      .filter({ visible: true })
      .first()
      .waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(OUT, '3-rejected-wrong-gate.png'), fullPage: true });
    expect((await handle.query(rolloverStatus)).gateLog).toHaveLength(1);

    await page.keyboard.press('Escape');
    await page
      .locator('a:visible, button:visible', { hasText: /^\s*Queries\s*$/ })
      .first()
      .click();
    // The Queries tab: `status` (offered by the workflow's metadata, with its description) returns readable JSON.
    await page
      .getByText('Run Query')
      .filter({ visible: true })
      .first()
      .evaluate((b) => (b as unknown as { click(): void }).click());
    const result = page.getByText('"workflowId": "rollover/asa1/ASA-PhoneVPN"').filter({ visible: true }).first();
    await result.waitFor({ timeout: 30_000 });
    const json = await page.locator('body').innerText();
    expect(json).toContain('"gate": "push"');
    expect(json).toContain('"allowed": [');
    await page.screenshot({ path: path.join(OUT, '4-queries-status.png'), fullPage: true });

    // Event History: activities carry summaries that say what they did on which device.
    await page
      .locator('a:visible, button:visible', { hasText: /^\s*Event History/ })
      .first()
      .click();
    await page
      .getByText(/export identity certificate from asa1 \(trustpoint CR-\d{8}-[0-9a-f]{4}\)/)
      .filter({ visible: true })
      .first()
      .waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(OUT, '5-event-history-summaries.png'), fullPage: true });

    await handle.terminate('ui test done');
  });
});
