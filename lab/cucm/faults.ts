/** Fault knobs of the CUCM lab: mutable at any time by tests and `certroll lab`. */

export interface AxlFaultSpec {
  operation: string;
  code: number;
  message: string;
  /** How many calls to fail (default: every call until cleared). */
  count?: number;
}

export interface CucmFaults {
  /** Answer AXL writes with HTTP 503: the next N writes, or a steady share of them ({ ratio: 0.5 } = every other). */
  axlThrottle503: number | { ratio: number };
  /** Answer the next N AXL reads with "Maximum AXL Memory Allocation Consumed". */
  axlMemoryFault: number;
  /** Fail one operation with a given AXL code and message. */
  axlFaultOn?: AxlFaultSpec;
  /** AXL refuses responses larger than this ("Query request too large"); CUCM's limit is 8 MB. */
  axlResponseLimitBytes: number;
  /** RisPort70 "Allowed Device Queries Per Minute" (CUCM default 15, maximum 18). */
  risportQueriesPerMinute: number;
  /** Added before every HTTPS answer. */
  latencyMs: number;
}

export function defaultFaults(risportQueriesPerMinute = 15): CucmFaults {
  return {
    axlThrottle503: 0,
    axlMemoryFault: 0,
    axlResponseLimitBytes: 8 * 1024 * 1024,
    risportQueriesPerMinute,
    latencyMs: 0,
  };
}
