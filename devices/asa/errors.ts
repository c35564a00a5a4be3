/**
 * Typed ASA errors. `AsaCommandError` is what the device said no to (never retried); connection trouble is the
 * shared retryable `TransportError` from devices/errors.ts.
 */
import { DeviceError } from '../errors';

/** The ASA refused or failed a command (caret error, authorization, incomplete, certificate save, bad dialog). */
export class AsaCommandError extends DeviceError {
  readonly type = 'AsaCommandError';
  readonly retryable = false;
  constructor(
    message: string,
    readonly command: string,
    readonly output: string,
  ) {
    super(message);
  }
}

/** `write memory` did not print `[OK]`: the running config is not durable and a reload would revert it. */
export class WriteMemoryFailed extends DeviceError {
  readonly type = 'WriteMemoryFailed';
  readonly retryable = false;
  constructor(
    message: string,
    readonly errors: string[],
  ) {
    super(message);
  }
}

/** A trustpoint (or its key) is still bound to an interface or used by another trustpoint: removing it would cut phones off. */
export class TrustpointInUse extends DeviceError {
  readonly type = 'TrustpointInUse';
  readonly retryable = false;
}

/** The device holds something under the requested name that is not what was asked for: never overwrite it. */
export class AsaStateConflict extends DeviceError {
  readonly type = 'AsaStateConflict';
  readonly retryable = false;
}
