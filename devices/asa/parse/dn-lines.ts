/**
 * Name components as the ASA prints them (`cn=vpn.example.com`, one per line, most specific first) and their
 * RFC 2253 equivalent, so a name read from the ASA compares with what devices/cert.ts computes from the PEM.
 */
export interface AsaNameComponent {
  /** Key as printed, lower case: cn, ou, o, l, st, c, ea, dc, hostname, ipaddress… */
  key: string;
  value: string;
}

const RFC2253_KEYS: Record<string, string> = {
  cn: 'CN',
  ou: 'OU',
  o: 'O',
  l: 'L',
  st: 'ST',
  c: 'C',
  dc: 'DC',
  ea: 'emailAddress',
  hostname: 'unstructuredName',
  ipaddress: 'unstructuredAddress',
  unstructuredname: 'unstructuredName',
  serialnumber: 'serialNumber',
};

export function parseNameComponent(line: string): AsaNameComponent | undefined {
  const m = /^([A-Za-z][A-Za-z0-9.]*)=(.*)$/.exec(line.trim());
  return m ? { key: m[1].toLowerCase(), value: m[2] } : undefined;
}

function escapeRfc2253(value: string): string {
  let out = value.replace(/([,+"\\<>;])/g, '\\$1');
  if (/^[ #]/.test(out)) out = `\\${out}`;
  if (/ $/.test(out)) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/** The ASA lists the most specific component first, which is already RFC 2253 order. */
export function asaNameToRfc2253(components: AsaNameComponent[]): string {
  return components.map((c) => `${RFC2253_KEYS[c.key] ?? c.key}=${escapeRfc2253(c.value)}`).join(',');
}
