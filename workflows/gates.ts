/**
 * Approval gates: the `decide` Update with a synchronous validator, and `awaitDecision` for workflow code.
 * One gate is open at a time; a rejected Update never reaches history, an accepted one is recorded with who/when.
 */
import type { Duration } from '@temporalio/common';
import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import { decide, DECIDE_DESCRIPTION, GATE_DECISIONS, GateDecision, GateDecisionKind, GateRecord } from './messages';

export interface OpenGate {
  gate: string;
  allowed: GateDecisionKind[];
  openedAt: string;
  /** Why the gate is open / what the operator is deciding. */
  question: string;
  /** The exact JSON to paste into "Send an Update" → decide. */
  example: string;
  /** Reasons an `approve` is refused right now (e.g. plan blockers). */
  approvalBlockedBy: string[];
}

export interface GateStatus {
  open: OpenGate | undefined;
  log: GateRecord[];
}

export interface AwaitDecisionOptions {
  question?: string;
  /** Gate-specific synchronous checks on the payload (e.g. the PEM of gate signed-cert); throw to reject. */
  validate?: (d: GateDecision) => void;
  /** Approve is refused while this list is not empty; the reasons are shown in status and in the rejection. */
  approvalBlockedBy?: string[];
  /** Called with the accepted decision before the workflow resumes (e.g. to keep the PEM). */
  onAccepted?: (d: GateDecision) => void;
  /** Extra fields for the example payload (e.g. `pem` for gate signed-cert). */
  example?: Record<string, string>;
}

interface GateWaiter {
  open: OpenGate;
  options: AwaitDecisionOptions;
  record?: GateRecord;
}

/** An explicit, readable example: the first allowed decision, a placeholder name. */
export function examplePayload(gate: string, decision: GateDecisionKind, extra: Record<string, string> = {}): string {
  return JSON.stringify({ gate, decision, by: 'your-name', ...extra });
}

/** A rejection for the operator: the message only (the UI would otherwise show workflow stack frames). */
function refuse(message: string): Error {
  const err = new Error(message);
  err.stack = `Error: ${message}`;
  return err;
}

/** Synchronous checks only: an async validator's rejection would be ignored and the Update accepted anyway. */
export function validateGateDecision(d: unknown, waiter: GateWaiter | undefined): asserts d is GateDecision {
  if (typeof d !== 'object' || d === null || Array.isArray(d)) {
    throw refuse('payload must be one JSON object like {"gate":"plan","decision":"approve","by":"alice"}');
  }
  const p = d as Record<string, unknown>;
  if (!waiter) throw refuse('no gate is open: nothing to decide right now');
  const open = waiter.open;
  if (typeof p.gate !== 'string' || p.gate !== open.gate) {
    throw refuse(`gate "${String(p.gate)}" is not open; the open gate is "${open.gate}"`);
  }
  if (typeof p.by !== 'string' || p.by.trim() === '') throw refuse('"by" is required: who decides');
  if (p.by.length > 200) throw refuse('"by" is too long (200 characters at most)');
  if (p.comment !== undefined && (typeof p.comment !== 'string' || p.comment.length > 2000)) {
    throw refuse('"comment" must be a string of 2000 characters at most');
  }
  if (typeof p.decision !== 'string' || !(GATE_DECISIONS as readonly string[]).includes(p.decision)) {
    throw refuse(`"decision" must be one of ${open.allowed.join(' | ')}`);
  }
  if (!open.allowed.includes(p.decision as GateDecisionKind)) {
    throw refuse(`gate "${open.gate}" accepts ${open.allowed.join(' | ')}, not "${p.decision}"`);
  }
  if (p.decision === 'approve' && open.approvalBlockedBy.length > 0) {
    throw refuse(`gate "${open.gate}" cannot be approved: ${open.approvalBlockedBy.join('; ')}`);
  }
  const known = new Set(['gate', 'decision', 'by', 'comment', 'pem']);
  const unknown = Object.keys(p).filter((k) => !known.has(k));
  if (unknown.length > 0) throw refuse(`unknown field(s): ${unknown.join(', ')}`);
  try {
    waiter.options.validate?.(p as unknown as GateDecision);
  } catch (err) {
    throw refuse((err as Error).message);
  }
}

/**
 * Owns the gate state of one workflow run. Call `install()` before the first await so an Update that arrives
 * early finds its handler.
 */
export class Gates {
  private waiter: GateWaiter | undefined;
  readonly log: GateRecord[];

  constructor(previousLog: GateRecord[] = []) {
    this.log = [...previousLog];
  }

  install(): void {
    setHandler(
      decide,
      (d: GateDecision): GateRecord => {
        const waiter = this.waiter;
        // Two Updates validated in the same activation: the second finds the gate already decided.
        if (!waiter || waiter.record || waiter.open.gate !== d.gate) {
          throw ApplicationFailure.nonRetryable(`gate "${d.gate}" is no longer open`, 'GateClosed');
        }
        const record: GateRecord = {
          gate: d.gate,
          decision: d.decision,
          by: d.by.trim(),
          at: new Date().toISOString(),
        };
        if (d.comment) record.comment = d.comment;
        waiter.options.onAccepted?.(d);
        waiter.record = record;
        this.log.push(record);
        return record;
      },
      {
        validator: (d: GateDecision) =>
          validateGateDecision(d, this.waiter && !this.waiter.record ? this.waiter : undefined),
        description: DECIDE_DESCRIPTION,
      },
    );
  }

  /** A gate passed by policy (`auto`): recorded like a decision, with who decided it. */
  recordAutomatic(gate: string, decision: GateDecisionKind, by: string, comment?: string): GateRecord {
    const record: GateRecord = { gate, decision, by, at: new Date().toISOString() };
    if (comment) record.comment = comment;
    this.log.push(record);
    return record;
  }

  status(): GateStatus {
    return { open: this.waiter && !this.waiter.record ? { ...this.waiter.open } : undefined, log: [...this.log] };
  }

  get openGate(): OpenGate | undefined {
    return this.status().open;
  }

  /**
   * Open `gate`, wait for a decision among `allowed`, record it. On timeout the gate fails closed: the outcome is
   * `timeout`, recorded like a decision, and never an approval.
   */
  async awaitDecision(
    gate: string,
    allowed: GateDecisionKind[],
    timeout?: Duration,
    options: AwaitDecisionOptions = {},
  ): Promise<GateRecord> {
    const open: OpenGate = {
      gate,
      allowed: [...allowed],
      openedAt: new Date().toISOString(),
      question: options.question ?? `decide gate ${gate}`,
      example: examplePayload(gate, allowed[0], options.example),
      approvalBlockedBy: options.approvalBlockedBy ?? [],
    };
    const waiter: GateWaiter = { open, options };
    this.waiter = waiter;
    try {
      const decided =
        timeout === undefined
          ? (await condition(() => waiter.record !== undefined), true)
          : await condition(() => waiter.record !== undefined, timeout);
      if (!decided || !waiter.record) {
        const record: GateRecord = { gate, decision: 'timeout', by: 'certroll', at: new Date().toISOString() };
        waiter.record = record;
        this.log.push(record);
      }
      return waiter.record;
    } finally {
      if (this.waiter === waiter) this.waiter = undefined;
    }
  }
}
