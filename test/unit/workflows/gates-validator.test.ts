/**
 * The `decide` Update's synchronous validator, called directly: the branches the dev-server gate tests do not reach
 * (no gate open, a payload that is not an object) and the order of its checks.
 */
import { validateGateDecision } from '../../../workflows/gates';

type Waiter = NonNullable<Parameters<typeof validateGateDecision>[1]>;

function waiter(overrides: Partial<Waiter['open']> = {}, options: Waiter['options'] = {}): Waiter {
  return {
    open: {
      gate: 'plan',
      allowed: ['approve', 'reject'],
      openedAt: '2026-01-01T00:00:00.000Z',
      question: 'roll over?',
      example: '{"gate":"plan","decision":"approve","by":"your-name"}',
      approvalBlockedBy: [],
      ...overrides,
    },
    options,
  };
}

describe('validateGateDecision', () => {
  it('refuses any decision while no gate is open', () => {
    expect(() => validateGateDecision({ gate: 'x', decision: 'approve', by: 'a' }, undefined)).toThrow(
      /no gate is open/,
    );
  });

  it.each([
    ['a string', 'approve'],
    ['null', null],
    ['an array', [{ gate: 'plan', decision: 'approve', by: 'a' }]],
    ['a number', 42],
  ])('refuses a payload that is %s, open gate or not', (_label, payload) => {
    expect(() => validateGateDecision(payload, waiter())).toThrow(/payload must be one JSON object/);
    expect(() => validateGateDecision(payload, undefined)).toThrow(/payload must be one JSON object/);
  });

  it('gives the operator the message only, without workflow stack frames', () => {
    let error: Error | undefined;
    try {
      validateGateDecision({ gate: 'x', decision: 'approve', by: 'a' }, undefined);
    } catch (err) {
      error = err as Error;
    }
    expect(error?.stack).toBe('Error: no gate is open: nothing to decide right now');
  });

  it('accepts a decision the open gate offers', () => {
    expect(() =>
      validateGateDecision({ gate: 'plan', decision: 'reject', by: 'alice', comment: 'no' }, waiter()),
    ).not.toThrow();
  });

  it.each([
    [{ gate: 'switch', decision: 'approve', by: 'a' }, /gate "switch" is not open; the open gate is "plan"/],
    [{ gate: 'plan', decision: 'approve', by: '  ' }, /"by" is required/],
    [{ gate: 'plan', decision: 'rollback', by: 'a' }, /gate "plan" accepts approve \| reject, not "rollback"/],
    [{ gate: 'plan', decision: 'maybe', by: 'a' }, /"decision" must be one of approve \| reject/],
    [{ gate: 'plan', decision: 'approve', by: 'a', extra: 1 }, /unknown field\(s\): extra/],
  ])('refuses %j', (payload, message) => {
    expect(() => validateGateDecision(payload, waiter())).toThrow(message);
  });

  it('refuses approve while approval is blocked, but not reject', () => {
    const blocked = waiter({ approvalBlockedBy: ['ASA certificate not found'] });
    expect(() => validateGateDecision({ gate: 'plan', decision: 'approve', by: 'a' }, blocked)).toThrow(
      /cannot be approved: ASA certificate not found/,
    );
    expect(() => validateGateDecision({ gate: 'plan', decision: 'reject', by: 'a' }, blocked)).not.toThrow();
  });

  it("passes the gate's own check's message on", () => {
    const w = waiter(
      {},
      {
        validate: () => {
          throw new Error('pem: not a certificate');
        },
      },
    );
    expect(() => validateGateDecision({ gate: 'plan', decision: 'approve', by: 'a', pem: 'x' }, w)).toThrow(
      /^pem: not a certificate$/,
    );
  });
});
