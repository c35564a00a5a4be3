/**
 * Typed CUCM errors. `type` is what Temporal retry policies match; `retryable` says whether waiting can help
 * (AXL write throttling and RisPort's per-minute budget clear by themselves; a missing item or a bad query does not).
 */
import { DeviceError } from '../errors';

/** An AXL SOAP fault: `code` is the axlcode (5007 item not found, 5003 not found on update, 201 SQL syntax, -1…). */
export class AxlFault extends DeviceError {
  readonly type = 'AxlFault';
  readonly retryable = false;
  constructor(
    message: string,
    readonly code: number | undefined,
    readonly operation: string,
  ) {
    super(`AXL ${operation} failed${code === undefined ? '' : ` (axlcode ${code})`}: ${message}`);
  }
}

/** AXL refused for load: HTTP 503 (write throttle) or "Maximum AXL Memory Allocation Consumed". Retry later. */
export class AxlThrottled extends DeviceError {
  readonly type = 'AxlThrottled';
  readonly retryable = true;
  constructor(
    message: string,
    readonly operation: string,
    readonly reason: 'http-503' | 'memory',
  ) {
    super(message);
  }
}

/** "Query request too large": the request itself must change (smaller pages), so retrying cannot help. */
export class AxlQueryTooLarge extends DeviceError {
  readonly type = 'AxlQueryTooLarge';
  readonly retryable = false;
  constructor(
    message: string,
    readonly operation: string,
  ) {
    super(message);
  }
}

/** The server does not accept the inventory's AXL schema version (CUCM answers HTTP 599 and lists what it accepts). */
export class AxlVersionUnsupported extends DeviceError {
  readonly type = 'AxlVersionUnsupported';
  readonly retryable = false;
  constructor(
    message: string,
    readonly requested: string,
    readonly supported: string[],
  ) {
    super(message);
  }
}

/** VPN objects are absent: the export-unrestricted CUCM build has no phone VPN feature at all. */
export class VpnFeatureUnavailable extends DeviceError {
  readonly type = 'VpnFeatureUnavailable';
  readonly retryable = false;
}

/** An HTTP answer none of the APIs documents (unexpected status or body). */
export class CucmProtocolError extends DeviceError {
  readonly type = 'CucmProtocolError';
  readonly retryable = false;
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The certificate-management REST API refused a request (bad certificate, same-name rule, unknown service…). */
export class CertmgrError extends DeviceError {
  readonly type = 'CertmgrError';
  readonly retryable = false;
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The certificate-management API does not exist on this release (it arrived in CUCM 14). */
export class CertmgrUnavailable extends DeviceError {
  readonly type = 'CertmgrUnavailable';
  readonly retryable = false;
}

/** RisPort70's "Allowed Device Queries Per Minute" budget is spent: the next window will answer. */
export class RisRateLimited extends DeviceError {
  readonly type = 'RisRateLimited';
  readonly retryable = true;
}

/** Any other RisPort70 SOAP fault. */
export class RisFault extends DeviceError {
  readonly type = 'RisFault';
  readonly retryable = false;
  constructor(
    message: string,
    readonly faultCode: string,
  ) {
    super(message);
  }
}

/**
 * Uploading would replace a different Phone-VPN-trust certificate that has the same name (CSCuh19734: CUCM keeps
 * one certificate per CN and silently replaces it when the new one is newer). Never retry: the plan must change.
 */
export class TrustOverwriteRisk extends DeviceError {
  readonly type = 'TrustOverwriteRisk';
  readonly retryable = false;
  constructor(
    message: string,
    readonly existing: { subjectName: string; serialNumber: string; sha1Base64: string },
  ) {
    super(message);
  }
}

/** A trust certificate is still listed on a VPN gateway: deleting it would drop a hash phones rely on. */
export class TrustInUse extends DeviceError {
  readonly type = 'TrustInUse';
  readonly retryable = false;
}

/** A write went through but reading it back shows something else. */
export class CucmVerifyFailed extends DeviceError {
  readonly type = 'CucmVerifyFailed';
  readonly retryable = true;
}
