/** Test-only workflow: one CUCM activity under a Temporal retry policy, to show that backoff lives there. */
import { proxyActivities } from '@temporalio/workflow';
import type { CucmActivities } from '../../../activities/cucm';

const { setGatewayCertificates } = proxyActivities<CucmActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '300 milliseconds', backoffCoefficient: 2, maximumAttempts: 6 },
});

export async function setGatewayWithRetry(input: Parameters<CucmActivities['setGatewayCertificates']>[0]) {
  return setGatewayCertificates(input);
}
