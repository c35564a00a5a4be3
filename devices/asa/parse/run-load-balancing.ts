/**
 * `show run vpn load-balancing`: phones do not support VPN load balancing (HTTP redirect between ASAs means
 * several certificates; seed doc). The ASA takes part in a cluster only with `participate`.
 */
import { bodyLines, tokens } from './lines';

export interface RunLoadBalancing {
  configured: boolean;
  participate: boolean;
  priority?: number;
  clusterIp?: string;
  clusterEncryption: boolean;
  redirectFqdn: boolean;
  interfaces: { lbpublic?: string; lbprivate?: string };
  otherLines: string[];
}

export function parseShowRunLoadBalancing(text: string): RunLoadBalancing {
  const out: RunLoadBalancing = {
    configured: false,
    participate: false,
    clusterEncryption: false,
    redirectFqdn: false,
    interfaces: {},
    otherLines: [],
  };
  for (const raw of bodyLines(text)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line === 'vpn load-balancing') {
      out.configured = true;
      continue;
    }
    if (!out.configured) continue;
    const t = tokens(line);
    if (t[0] === 'participate') out.participate = true;
    else if (t[0] === 'priority' && /^\d+$/.test(t[1] ?? '')) out.priority = +t[1];
    else if (t[0] === 'cluster' && t[1] === 'ip' && t[2] === 'address') out.clusterIp = t[3];
    else if (t[0] === 'cluster' && t[1] === 'encryption') out.clusterEncryption = true;
    else if (t[0] === 'redirect-fqdn' && t[1] === 'enable') out.redirectFqdn = true;
    else if (t[0] === 'interface' && (t[1] === 'lbpublic' || t[1] === 'lbprivate')) out.interfaces[t[1]] = t[2];
    else out.otherLines.push(line);
  }
  return out;
}
