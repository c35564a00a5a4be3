/**
 * Typed errors of the config-file channels (TFTP and HTTP 6970). `type` is what Temporal retry policies match;
 * "file not found" is final (TAC 222878: never hammer a TFTP server with requests for files it does not have).
 */
import { DeviceError } from '../errors';

/** TFTP ERROR 1 or HTTP 404: CUCM has no such file. Final. */
export class ConfigFileNotFound extends DeviceError {
  readonly type = 'ConfigFileNotFound';
  readonly retryable = false;
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: file not found (${detail})`);
  }
}

/** No answer after every retransmission: the server is down, overloaded or the path drops packets. */
export class TftpTimeout extends DeviceError {
  readonly type = 'TftpTimeout';
  readonly retryable = true;
}

/**
 * The server cannot serve now: TFTP ERROR 0 (CUCM answers this way past its Maximum Serving Count, TAC 222878
 * "503") or HTTP 503. Worth a retry later.
 */
export class TftpServerBusy extends DeviceError {
  readonly type = 'TftpServerBusy';
  readonly retryable = true;
}

/** The server refused the request for good (access violation, illegal operation, option refused…). */
export class TftpRefused extends DeviceError {
  readonly type = 'TftpRefused';
  readonly retryable = false;
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/** The file is larger than the caller's cap (announced by tsize or found while receiving). */
export class FileTooLarge extends DeviceError {
  readonly type = 'FileTooLarge';
  readonly retryable = false;
}

/** The peer broke the protocol (malformed packet, OACK we did not ask for, size differing from tsize). */
export class TftpProtocolError extends DeviceError {
  readonly type = 'TftpProtocolError';
  readonly retryable = true;
}
