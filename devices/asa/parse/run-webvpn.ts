/**
 * `show run webvpn`: whether Cisco Secure Desktop is on globally (`csd enable`; `hostscan` on later releases).
 * Phones cannot run CSD, so a global enable without a `without-csd` tunnel group breaks them (seed doc).
 */
import { bodyLines, tokens } from './lines';

export interface RunWebvpn {
  configured: boolean;
  enabledInterfaces: string[];
  csdImage?: string;
  csdEnabled: boolean;
  hostscanImage?: string;
  hostscanEnabled: boolean;
  anyconnectImages: string[];
  anyconnectEnabled: boolean;
  otherLines: string[];
}

export function parseShowRunWebvpn(text: string): RunWebvpn {
  const out: RunWebvpn = {
    configured: false,
    enabledInterfaces: [],
    csdEnabled: false,
    hostscanEnabled: false,
    anyconnectImages: [],
    anyconnectEnabled: false,
    otherLines: [],
  };
  let inBlock = false;
  for (const raw of bodyLines(text)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line === 'webvpn' && !/^\s/.test(raw)) {
      out.configured = true;
      inBlock = true;
      continue;
    }
    // Captures in the seed doc lost indentation: after `webvpn`, every line is a sub-command until another block.
    if (!inBlock) continue;
    const t = tokens(line);
    if (t[0] === 'enable' && t[1]) out.enabledInterfaces.push(t[1]);
    else if (t[0] === 'csd' && t[1] === 'image') out.csdImage = t[2];
    else if (t[0] === 'csd' && t[1] === 'enable') out.csdEnabled = true;
    else if (t[0] === 'hostscan' && t[1] === 'image') out.hostscanImage = t[2];
    else if (t[0] === 'hostscan' && t[1] === 'enable') out.hostscanEnabled = true;
    else if ((t[0] === 'anyconnect' || t[0] === 'svc') && t[1] === 'image') out.anyconnectImages.push(t[2]);
    else if ((t[0] === 'anyconnect' || t[0] === 'svc') && t[1] === 'enable') out.anyconnectEnabled = true;
    else out.otherLines.push(line);
  }
  return out;
}
