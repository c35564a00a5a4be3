/** Golden histories for replay tests: recorded from real runs when CERTROLL_RECORD_HISTORIES=1, committed, replayed. */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { WorkflowHandle } from '@temporalio/client';
import { resolveTemporalCli } from '../../cli/temporal-dev-server';
import { devServerAddress } from './temporal';

export const REPLAY_DIR = path.resolve(__dirname, '..', 'replay');

export function recordingHistories(): boolean {
  return process.env.CERTROLL_RECORD_HISTORIES === '1';
}

/** Save a finished run's history as test/replay/<name>.json (only when recording). */
export async function maybeRecordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (!recordingHistories()) return;
  // The CLI writes the proto3 JSON that the UI's Download button and historyFromJSON use.
  const { address, namespace } = devServerAddress();
  const json = execFileSync(
    resolveTemporalCli(),
    [
      'workflow',
      'show',
      '--address',
      address,
      '--namespace',
      namespace,
      '--workflow-id',
      handle.workflowId,
      '--output',
      'json',
    ],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  writeFileSync(path.join(REPLAY_DIR, `${name}.json`), JSON.stringify(JSON.parse(json), null, 1));
  // Replays need the original workflow ID: child workflow IDs are derived from it.
  const ids = workflowIds();
  ids[name] = handle.workflowId;
  writeFileSync(IDS_FILE, `${JSON.stringify(ids, null, 2)}\n`);
}

const IDS_FILE = path.join(REPLAY_DIR, 'workflow-ids.json');

function workflowIds(): Record<string, string> {
  try {
    return JSON.parse(readFileSync(IDS_FILE, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

export function goldenHistories(): { name: string; workflowId?: string; history: unknown }[] {
  const ids = workflowIds();
  return readdirSync(REPLAY_DIR)
    .filter((f) => f.endsWith('.json') && path.join(REPLAY_DIR, f) !== IDS_FILE)
    .sort()
    .map((f) => {
      const name = f.replace(/\.json$/, '');
      return { name, workflowId: ids[name], history: JSON.parse(readFileSync(path.join(REPLAY_DIR, f), 'utf8')) };
    });
}
