/**
 * `show run dynamic-access-policy-record`: DAP records and their action. DfltAccessPolicy with `action terminate`
 * and no phone record that continues drops every phone session (seed doc, `%ASA-5-734002`).
 */
import { bodyLines, configBlocks, tokens } from './lines';

export interface DapRecord {
  name: string;
  /** `continue` (the default, not printed by `show run`), `terminate` or `quarantine`. */
  action: string;
  /** Whether the action was printed (false means the default applies). */
  actionConfigured: boolean;
  description?: string;
  priority?: number;
  userMessage?: string;
  networkAcls: string[];
  otherLines: string[];
}

export function parseShowRunDap(text: string): { records: DapRecord[] } {
  const records: DapRecord[] = [];
  for (const block of configBlocks(bodyLines(text), /^dynamic-access-policy-record /)) {
    const [, name] = tokens(block.header);
    if (!name) continue;
    const record: DapRecord = { name, action: 'continue', actionConfigured: false, networkAcls: [], otherLines: [] };
    for (const child of block.children) {
      const t = tokens(child);
      if (t[0] === 'action') {
        record.action = t[1];
        record.actionConfigured = true;
      } else if (t[0] === 'description') record.description = t[1];
      else if (t[0] === 'priority' && /^\d+$/.test(t[1] ?? '')) record.priority = +t[1];
      else if (t[0] === 'user-message') record.userMessage = t[1];
      else if (t[0] === 'network-acl') record.networkAcls.push(t[1]);
      else record.otherLines.push(child);
    }
    records.push(record);
  }
  return { records };
}
