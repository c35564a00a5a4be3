/** Inventory facts workflows may know: names only (workflows never see hosts or secrets). */
import type { ActivityDeps } from './deps';

export interface WatchTarget {
  asa: string;
  cluster: string;
  gateway: string;
}

export function createInventoryActivities(deps: ActivityDeps) {
  return {
    /** Every VPN gateway with the ASA and cluster it belongs to, for the expiry watch. */
    async listWatchTargets(): Promise<WatchTarget[]> {
      return Object.entries(deps.inventory.gateways)
        .map(([gateway, g]) => ({ asa: g.asa, cluster: g.cluster, gateway }))
        .sort((a, b) => a.gateway.localeCompare(b.gateway));
    },
  };
}

export type InventoryActivities = ReturnType<typeof createInventoryActivities>;
