/**
 * Wire definitions shared by every certroll workflow and by the CLI: the `decide` Update (one JSON object, so the
 * Web UI's single-payload form can send it), the `status` query and the payload types. Names exist once, here.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';

export const GATE_DECISIONS = ['approve', 'reject', 'retry', 'rollback', 'abort'] as const;
export type GateDecisionKind = (typeof GATE_DECISIONS)[number];

/** What an operator sends: from the UI ("Send an Update" → decide), `certroll approve` or `certroll decide`. */
export interface GateDecision {
  gate: string;
  decision: GateDecisionKind;
  /** Who decides. Workflow code cannot see the caller's identity, so it travels in the payload. */
  by: string;
  comment?: string;
  /** Gate `signed-cert` only: the CA-signed certificate, PEM. */
  pem?: string;
}

/** What the workflow keeps (and returns to the caller) for each decision. */
export interface GateRecord {
  gate: string;
  decision: GateDecisionKind | 'timeout';
  by: string;
  at: string;
  comment?: string;
}

export const DECIDE_DESCRIPTION =
  'Decide the gate that is open now. One JSON object: ' +
  '{"gate":"plan","decision":"approve","by":"your-name","comment":"optional"}. ' +
  'decision is one of approve | reject | retry | rollback | abort, as the open gate allows; ' +
  'gate signed-cert also takes "pem". The workflow\'s current details show the exact payload for the open gate.';

export const decide = defineUpdate<GateRecord, [GateDecision]>('decide');

export const STATUS_DESCRIPTION =
  'Current state as JSON: phase, phases with their status, the open gate with its allowed decisions and an example payload, and the gate log.';

/** The `status` query every gated workflow answers; each workflow types its own status. */
export function defineStatusQuery<T>() {
  return defineQuery<T>('status');
}
