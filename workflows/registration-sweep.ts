/**
 * A RisPort sweep of every phone in scope, page by page (≤ 1,000 names a query): how many are registered right now.
 * A child workflow, so the parent never holds the phone list; the RisPort task queue paces the queries.
 */
import { axlActivities, risportActivities } from './proxies';
import { MAX_REPORTED_FAILURES } from './rollout-wave';
import type { PhoneFailure } from './rollover-types';

export interface SweepInput {
  cluster: string;
  commonPhoneProfiles: string[];
  total: number;
  label: string;
}

export interface SweepResult {
  total: number;
  registered: number;
  failures: PhoneFailure[];
}

const PAGE = 1000;

export async function registrationSweepWorkflow(input: SweepInput): Promise<SweepResult> {
  const axl = axlActivities(input.cluster);
  const risport = risportActivities(input.cluster);
  let registered = 0;
  let seen = 0;
  const failures: PhoneFailure[] = [];
  for (let offset = 0; offset < input.total; offset += PAGE) {
    const names = await axl.listScopePhonesPage.executeWithOptions(
      { summary: `list phones ${offset + 1}-${Math.min(offset + PAGE, input.total)} (${input.label})` },
      [{ cluster: input.cluster, commonPhoneProfiles: input.commonPhoneProfiles, offset, limit: PAGE }],
    );
    const statuses = await risport.registrationStatus.executeWithOptions(
      { summary: `RisPort sweep of ${names.length} phones (${input.label})` },
      [{ cluster: input.cluster, names }],
    );
    const byName = new Map(statuses.map((s) => [s.name, s]));
    for (const name of names) {
      seen++;
      const s = byName.get(name);
      if (s?.status === 'Registered') registered++;
      else if (failures.length < MAX_REPORTED_FAILURES) {
        failures.push({ name, reason: s ? `${s.status} (StatusReason ${s.statusReason})` : 'not known to RisPort' });
      }
    }
  }
  return { total: seen, registered, failures };
}
