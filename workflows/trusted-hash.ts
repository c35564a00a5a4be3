/**
 * Which hash stands for the certificate an ASA presents, from CUCM's point of view. Shared by the doctor and the
 * expiry watch; workflow-safe (pure, type-only imports).
 */
import type { CucmState } from '../activities/cucm';

/**
 * The hash phones must carry for what the ASA presents: the leaf's, or — when CUCM trusts the issuing CA instead
 * (root-CA trust mode: the CA is in Phone-VPN-trust and on the VPN gateway) — the CA's.
 */
export function trustedHash(
  cucm: Pick<CucmState, 'gateway' | 'trust'>,
  presented: { sha1Base64: string; issuerRfc2253: string },
): string {
  const listed = new Set(cucm.gateway.certificates.map((c) => c.sha1Base64));
  if (listed.has(presented.sha1Base64)) return presented.sha1Base64;
  const issuer = cucm.trust.find((t) => t.subjectName === presented.issuerRfc2253 && listed.has(t.sha1Base64));
  return issuer?.sha1Base64 ?? presented.sha1Base64;
}
