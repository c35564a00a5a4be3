/**
 * The three CUCM clients for one cluster, built from its inventory entry: AXL and RisPort with the AXL application
 * user, certmgr with the platform administrator, all pinned the same way. Secrets are resolved here, once, and
 * never leave the clients.
 */
import type { CucmEntry } from '../../config/inventory';
import { AxlClient } from './axl';
import { CertmgrClient } from './certmgr';
import { RisPortClient } from './risport';

export interface CucmClients {
  axl: AxlClient;
  certmgr: CertmgrClient;
  risport: RisPortClient;
}

export function createCucmClients(entry: CucmEntry, resolveSecret: (ref: string) => string): CucmClients {
  const target = { host: entry.publisher, port: entry.port, tls: entry.tls };
  const axlUser = { username: entry.axlUser, password: resolveSecret(entry.axlPassword) };
  return {
    axl: new AxlClient({ ...target, ...axlUser, version: entry.axlVersion }),
    certmgr: new CertmgrClient({
      ...target,
      username: entry.platformUser,
      password: resolveSecret(entry.platformPassword),
    }),
    risport: new RisPortClient({ ...target, ...axlUser }),
  };
}
