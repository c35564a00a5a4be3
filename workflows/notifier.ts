/**
 * Fire-and-forget notifications from workflow code: sent in the background with their own retries, awaited only
 * before the workflow ends, and never able to fail the rollover.
 */
import { log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { NotificationEvent, NotifyActivities } from '../activities/notify';

export class Notifier {
  private readonly pending: Promise<unknown>[] = [];
  private readonly activities = proxyActivities<NotifyActivities>({
    taskQueue: workflowInfo().taskQueue,
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 4 },
  });

  /** Queue a notification; it links to this workflow unless the event names another (e.g. the rollover a watch started). */
  send(event: Omit<NotificationEvent, 'namespace'>): void {
    const info = workflowInfo();
    const full: NotificationEvent = {
      ...event,
      workflowId: event.workflowId ?? info.workflowId,
      namespace: info.namespace,
    };
    this.pending.push(
      this.activities.notify.executeWithOptions({ summary: `notify: ${event.kind}` }, [full]).catch((err: unknown) => {
        log.warn('notification failed for good; the rollover goes on', { kind: event.kind, error: String(err) });
      }),
    );
  }

  /** Let in-flight notifications finish before the workflow completes or continues as new. */
  async flush(): Promise<void> {
    await Promise.allSettled(this.pending.splice(0));
  }
}
