/**
 * CUCM's TFTP serving model (TAC 222878): since 11.5 only 5 connection objects serve files at once, further
 * requests wait in a queue, and past the Maximum Serving Count (active + queued) requests are refused ("503").
 * TFTP and HTTP 6970 requests share it: both are the same Cisco TFTP service.
 */
export interface ServingLimits {
  slots: number;
  maxServingCount: number;
}

type Job = (release: () => void) => void;

export class ServingQueue {
  private running = 0;
  private readonly waiting: Job[] = [];
  queuedPeak = 0;
  activePeak = 0;
  refused = 0;

  constructor(private readonly limits: ServingLimits) {}

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Start the job now, queue it, or refuse it (false) when the serving count is exhausted. */
  enter(job: Job): boolean {
    if (this.running + this.waiting.length >= this.limits.maxServingCount) {
      this.refused += 1;
      return false;
    }
    this.waiting.push(job);
    this.pump();
    this.queuedPeak = Math.max(this.queuedPeak, this.waiting.length);
    return true;
  }

  private pump(): void {
    while (this.running < this.limits.slots && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.running += 1;
      this.activePeak = Math.max(this.activePeak, this.running);
      let released = false;
      job(() => {
        if (released) return;
        released = true;
        this.running -= 1;
        this.pump();
      });
    }
  }
}
