/**
 * The CLI's Temporal connection: `@temporalio/envconfig` (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS, API key, TOML
 * profiles), defaulting to the local dev server and the `certroll` namespace.
 */
import { Client, Connection, ConnectionOptions } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { CERTROLL_NAMESPACE } from './temporal-dev-server';

export interface CliTemporal {
  client: Client;
  namespace: string;
  address: string;
  close(): Promise<void>;
}

export function temporalTarget(): { connectionOptions: ConnectionOptions; namespace: string; address: string } {
  const config = loadClientConnectConfig();
  const connectionOptions = { ...(config.connectionOptions as ConnectionOptions) };
  connectionOptions.address ??= '127.0.0.1:7233';
  return {
    connectionOptions,
    namespace: process.env.TEMPORAL_NAMESPACE || config.namespace || CERTROLL_NAMESPACE,
    address: connectionOptions.address,
  };
}

export async function connectTemporal(): Promise<CliTemporal> {
  const { connectionOptions, namespace, address } = temporalTarget();
  const connection = await Connection.connect({ ...connectionOptions, connectTimeout: 10_000 });
  return { client: new Client({ connection, namespace }), namespace, address, close: () => connection.close() };
}

/** Where the Web UI shows a workflow (CERTROLL_UI_URL, default the dev server's UI on 8233). */
export function workflowUiUrl(namespace: string, workflowId: string): string {
  const base = (process.env.CERTROLL_UI_URL || 'http://127.0.0.1:8233').replace(/\/$/, '');
  return `${base}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** `asa1/ASA-PhoneVPN` is short for `rollover/asa1/ASA-PhoneVPN`. */
export function normaliseWorkflowId(id: string): string {
  return id.startsWith('rollover/') || id.split('/').length !== 2 ? id : `rollover/${id}`;
}
