/**
 * `show run [all] group-policy [NAME]`: the attributes phones are sensitive to when inherited from
 * DfltGrpPolicy (seed doc): vpn-tunnel-protocol, group-lock, vpn-simultaneous-logins, vpn-filter.
 */
import { bodyLines, configBlocks, tokens } from './lines';

export interface GroupPolicyAttributes {
  vpnTunnelProtocol?: string[];
  /** Tunnel-group name locked to; null for `group-lock none`; undefined when inherited. */
  groupLock?: string | null;
  vpnSimultaneousLogins?: number;
  /** ACL name; null for `vpn-filter none`; undefined when inherited. */
  vpnFilter?: string | null;
}

export interface GroupPolicy {
  name: string;
  /** `internal` / `external`, from the `group-policy NAME internal` line. */
  kind?: string;
  attributes: GroupPolicyAttributes;
  otherLines: string[];
}

export function parseShowRunGroupPolicy(text: string): { groupPolicies: GroupPolicy[] } {
  const byName = new Map<string, GroupPolicy>();
  for (const block of configBlocks(bodyLines(text), /^group-policy /)) {
    const [, name, what] = tokens(block.header);
    if (!name) continue;
    let gp = byName.get(name);
    if (!gp) {
      gp = { name, attributes: {}, otherLines: [] };
      byName.set(name, gp);
    }
    if (what && what !== 'attributes') gp.kind = what;
    for (const child of block.children) applyAttribute(gp, child);
  }
  return { groupPolicies: [...byName.values()] };
}

function valueOrNone(t: string[]): string | null {
  return t[1] === 'none' ? null : (t[2] ?? t[1]);
}

function applyAttribute(gp: GroupPolicy, line: string): void {
  const t = tokens(line);
  if (t[0] === 'vpn-tunnel-protocol') gp.attributes.vpnTunnelProtocol = t.slice(1);
  else if (t[0] === 'group-lock') gp.attributes.groupLock = valueOrNone(t);
  else if (t[0] === 'vpn-simultaneous-logins' && /^\d+$/.test(t[1] ?? '')) gp.attributes.vpnSimultaneousLogins = +t[1];
  else if (t[0] === 'vpn-filter') gp.attributes.vpnFilter = valueOrNone(t);
  else gp.otherLines.push(line);
}

export type AttributeSource = 'policy' | 'inherited' | 'unset';

/** The effective phone-relevant attributes of a policy with DfltGrpPolicy filling the gaps, and where each came from. */
export function effectiveGroupPolicy(
  policy: GroupPolicy,
  dflt: GroupPolicy | undefined,
): { attributes: GroupPolicyAttributes; sources: Record<keyof GroupPolicyAttributes, AttributeSource> } {
  const keys: (keyof GroupPolicyAttributes)[] = [
    'vpnTunnelProtocol',
    'groupLock',
    'vpnSimultaneousLogins',
    'vpnFilter',
  ];
  const attributes: GroupPolicyAttributes = {};
  const sources = {} as Record<keyof GroupPolicyAttributes, AttributeSource>;
  for (const key of keys) {
    const own = policy.attributes[key];
    const inherited = dflt?.attributes[key];
    const value = own !== undefined ? own : inherited;
    sources[key] = own !== undefined ? 'policy' : inherited !== undefined ? 'inherited' : 'unset';
    if (value !== undefined) (attributes as Record<string, unknown>)[key] = value;
  }
  return { attributes, sources };
}
