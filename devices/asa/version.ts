/**
 * ASA software versions as `show version` prints them: `9.16(2)`, `9.5(2)204`, `9.12(4)56`. Compared numerically
 * so features can be gated (EC ciphers for TLS from 9.4(1), the phone licence name from 8.2).
 */
export interface AsaVersion {
  major: number;
  minor: number;
  maintenance: number;
  interim: number;
  text: string;
}

const VERSION = /^(\d+)\.(\d+)\((\d+)\)(\d+)?/;

export function parseAsaVersion(text: string): AsaVersion | undefined {
  const m = VERSION.exec(text.trim());
  if (!m) return undefined;
  return { major: +m[1], minor: +m[2], maintenance: +m[3], interim: m[4] ? +m[4] : 0, text: m[0] };
}

/** Negative when a < b, 0 when equal, positive when a > b; unparseable versions sort first. */
export function compareAsaVersions(a: string, b: string): number {
  const va = parseAsaVersion(a);
  const vb = parseAsaVersion(b);
  if (!va || !vb) return (va ? 1 : 0) - (vb ? 1 : 0);
  return va.major - vb.major || va.minor - vb.minor || va.maintenance - vb.maintenance || va.interim - vb.interim;
}

export function versionAtLeast(version: string, minimum: string): boolean {
  return parseAsaVersion(version) !== undefined && compareAsaVersions(version, minimum) >= 0;
}

/** From 9.4(1) the ASA negotiates EC suites and may show EC clients an EC certificate (seed doc; CSCuu02848). */
export const EC_TLS_SINCE = '9.4(1)';
