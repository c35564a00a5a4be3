/**
 * Exit codes as operators' scripts expect them: 0 ok, 1 failure, 2 bad input (nothing was changed).
 * Every command runs through `runCommand`, which maps typed errors to these codes and prints one clear line.
 */
import { InventoryError } from '../config/inventory';
import { InvalidInput } from '../devices/errors';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

/** A CLI input problem (flags, files, payloads): exit 2. */
export class UsageError extends Error {
  readonly type = 'UsageError';
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError || err instanceof InventoryError || err instanceof InvalidInput) return EXIT_BAD_INPUT;
  return EXIT_FAILURE;
}

/** Wrap a command action: print errors without stack traces (unless CERTROLL_DEBUG) and set the exit code. */
export function runCommand<A extends unknown[]>(action: (...args: A) => Promise<number | void> | number | void) {
  return async (...args: A): Promise<void> => {
    try {
      const code = await action(...args);
      process.exitCode = code ?? EXIT_OK;
    } catch (err) {
      process.exitCode = exitCodeFor(err);
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`certroll: ${message}\n`);
      if (process.env.CERTROLL_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    }
  };
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
