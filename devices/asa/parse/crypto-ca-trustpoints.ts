/**
 * `show crypto ca trustpoints`: one block per trustpoint with the CA subject, serial and whether a certificate is
 * configured. The ASA form follows IOS (domain.md §1.7, [I]); for configuration truth prefer
 * `show run crypto ca trustpoint` and `show crypto ca certificates`.
 */
import { parseNameComponent, AsaNameComponent } from './dn-lines';
import { bodyLines } from './lines';

export interface TrustpointStatus {
  name: string;
  subject: AsaNameComponent[];
  serialHex?: string;
  /** `Certificate configured.` */
  configured: boolean;
  /** Other status lines (`Not authenticated.`, `CA certificate configured.`…). */
  statusLines: string[];
}

export function parseShowCryptoCaTrustpoints(text: string): { trustpoints: TrustpointStatus[] } {
  const trustpoints: TrustpointStatus[] = [];
  let current: TrustpointStatus | undefined;
  for (const line of bodyLines(text)) {
    const header = /^Trustpoint\s+(\S+?):?$/.exec(line.trim());
    if (header && !/^\s/.test(line)) {
      current = { name: header[1], subject: [], configured: false, statusLines: [] };
      trustpoints.push(current);
      continue;
    }
    if (!current || line.trim() === '' || /^Subject Name:?$/.test(line.trim())) continue;
    const serial = /^Serial Number(?: \(hex\))?:\s*(\S+)/.exec(line.trim());
    const component = parseNameComponent(line);
    if (serial) current.serialHex = serial[1].toLowerCase();
    else if (component) current.subject.push(component);
    else {
      current.statusLines.push(line.trim());
      if (/^Certificate configured\.?$/.test(line.trim())) current.configured = true;
    }
  }
  return { trustpoints };
}
