/**
 * Activity proxies, one per device class and device: the task queue carries the device's limit (one SSH session per
 * ASA, a small AXL pool, CUCM's TFTP slots, RisPort's queries a minute), set on the worker, never by sleeping here.
 */
import type { RetryPolicy } from '@temporalio/common';
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { AsaActivities } from '../activities/asa';
import type { CucmActivities } from '../activities/cucm';
import type { PhoneActivities } from '../activities/phones';
import type { PlanActivities } from '../activities/plan';
import { taskQueues } from './rollover-types';

/** Errors no retry can fix: the workflow opens gate `failure` at once instead of waiting for retries. */
export const NON_RETRYABLE = [
  'InvalidInput',
  'PinMismatch',
  'AuthError',
  'SecretError',
  'InventoryError',
  'AsaCommandError',
  'WriteMemoryFailed',
  'TrustpointInUse',
  'AsaStateConflict',
  'TlsHandshakeRefused',
  'AxlFault',
  'AxlQueryTooLarge',
  'TrustOverwriteRisk',
  'CertmgrError',
  'CertmgrUnavailable',
  'AxlVersionUnsupported',
  'VpnFeatureUnavailable',
  'CucmProtocolError',
  'RisFault',
  'TrustInUse',
  'VerificationFailed',
];

const retry: RetryPolicy = {
  initialInterval: '2 seconds',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 6,
  nonRetryableErrorTypes: NON_RETRYABLE,
};

export function asaActivities(asa: string) {
  return proxyActivities<AsaActivities>({
    taskQueue: taskQueues.asa(asa),
    startToCloseTimeout: '3 minutes',
    retry,
  });
}

export function axlActivities(cluster: string) {
  return proxyActivities<CucmActivities>({
    taskQueue: taskQueues.axl(cluster),
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '1 minute',
    // AXL answers 503 while CUCM's change-notification queue is long: back off patiently.
    retry: { ...retry, maximumAttempts: 10, maximumInterval: '2 minutes' },
  });
}

export function tftpActivities(cluster: string) {
  return proxyActivities<PhoneActivities>({
    taskQueue: taskQueues.tftp(cluster),
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: '1 minute',
    retry,
  });
}

export function risportActivities(cluster: string) {
  return proxyActivities<CucmActivities>({
    taskQueue: taskQueues.risport(cluster),
    startToCloseTimeout: '2 minutes',
    // A RateControl fault means "next window": retry after the minute, not sooner.
    retry: { ...retry, initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 10 },
  });
}

/** Pure computations (plan assessment, reports) on the workflow's own task queue. */
export function localActivities() {
  return proxyActivities<PlanActivities>({
    taskQueue: workflowInfo().taskQueue,
    startToCloseTimeout: '1 minute',
    retry,
  });
}
