/**
 * Typed device errors. `type` is stable and is what Temporal retry policies match (nonRetryableErrorTypes);
 * `retryable` tells activities whether a retry can help (a dropped connection can; a refused command cannot).
 */
export abstract class DeviceError extends Error {
  abstract readonly type: string;
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
  override get name(): string {
    return this.type;
  }
}

/** Input that can never become a device command or request (validation failed before anything was sent). */
export class InvalidInput extends DeviceError {
  readonly type = 'InvalidInput';
  readonly retryable = false;
}

/** The peer's identity did not match the pin in the inventory: refuse, never fall back. */
export class PinMismatch extends DeviceError {
  readonly type = 'PinMismatch';
  readonly retryable = false;
  constructor(
    message: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(message);
  }
}

/** Credentials refused by the device. */
export class AuthError extends DeviceError {
  readonly type = 'AuthError';
  readonly retryable = false;
}

/** Network trouble (timeout, reset, refused): worth a retry with backoff. */
export class TransportError extends DeviceError {
  readonly type = 'TransportError';
  readonly retryable = true;
}
