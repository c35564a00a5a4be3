/**
 * `show run tunnel-group`: connection profiles with their group URLs, authentication and `without-csd` (the
 * per-profile CSD exemption phones need from 8.2 on; seed doc).
 */
import { bodyLines, configBlocks, tokens } from './lines';

export interface TunnelGroup {
  name: string;
  type?: string;
  defaultGroupPolicy?: string;
  /** `certificate`, `aaa`, `aaa certificate`… as configured under webvpn-attributes. */
  authentication?: string;
  groupUrls: { url: string; enabled: boolean }[];
  groupAliases: { alias: string; enabled: boolean }[];
  withoutCsd: boolean;
  otherLines: string[];
}

export function parseShowRunTunnelGroup(text: string): { tunnelGroups: TunnelGroup[] } {
  const byName = new Map<string, TunnelGroup>();
  const get = (name: string): TunnelGroup => {
    let tg = byName.get(name);
    if (!tg) {
      tg = { name, groupUrls: [], groupAliases: [], withoutCsd: false, otherLines: [] };
      byName.set(name, tg);
    }
    return tg;
  };
  for (const block of configBlocks(bodyLines(text), /^tunnel-group /)) {
    const [, name, what, value] = tokens(block.header);
    if (!name) continue;
    const tg = get(name);
    if (what === 'type') tg.type = value;
    for (const child of block.children) applyAttribute(tg, child);
  }
  return { tunnelGroups: [...byName.values()] };
}

function applyAttribute(tg: TunnelGroup, line: string): void {
  const t = tokens(line);
  if (t[0] === 'default-group-policy') tg.defaultGroupPolicy = t[1];
  else if (t[0] === 'authentication') tg.authentication = t.slice(1).join(' ');
  else if (t[0] === 'group-url') tg.groupUrls.push({ url: t[1], enabled: t[2] === 'enable' });
  else if (t[0] === 'group-alias') tg.groupAliases.push({ alias: t[1], enabled: t[2] === 'enable' });
  else if (t[0] === 'without-csd') tg.withoutCsd = true;
  else tg.otherLines.push(line);
}
