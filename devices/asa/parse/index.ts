/** Every ASA output parser by the kind name the CLI uses (`certroll parse asa <kind> <file>`). */
import { parseCryptoCaEnroll } from './crypto-ca-enroll';
import { parseCryptoCaExport } from './crypto-ca-export';
import { parseCryptoCaAuthenticate, parseCryptoCaImport } from './crypto-ca-paste';
import { parseShowCryptoCaCertificates } from './crypto-ca-certificates';
import { parseShowCryptoCaTrustpoints } from './crypto-ca-trustpoints';
import { parseShowCryptoKeyMypubkey } from './crypto-key';
import { parseCryptoKeyGenerate } from './crypto-key-generate';
import { parseShowRunCryptoCaTrustpoint, parseCertificateChains } from './run-crypto-ca';
import { parseShowRunDap } from './run-dap';
import { parseShowRunGroupPolicy } from './run-group-policy';
import { parseShowRunLoadBalancing } from './run-load-balancing';
import { parseShowRunSsl } from './run-ssl';
import { parseShowRunTunnelGroup } from './run-tunnel-group';
import { parseShowRunWebvpn } from './run-webvpn';
import { parseShowSsl } from './show-ssl';
import { parseShowVersion } from './show-version';
import { parseWriteMemory } from './write-memory';

export const ASA_PARSERS = {
  'show-version': parseShowVersion,
  'show-crypto-ca-certificates': parseShowCryptoCaCertificates,
  'show-crypto-ca-trustpoints': parseShowCryptoCaTrustpoints,
  'show-run-crypto-ca-trustpoint': parseShowRunCryptoCaTrustpoint,
  'show-run-crypto-ca-certificate-chain': parseCertificateChains,
  'show-crypto-key-mypubkey-rsa': parseShowCryptoKeyMypubkey,
  'show-run-ssl': parseShowRunSsl,
  'show-run-all-ssl': parseShowRunSsl,
  'show-ssl': parseShowSsl,
  'crypto-ca-export': parseCryptoCaExport,
  'crypto-ca-enroll': parseCryptoCaEnroll,
  'crypto-ca-authenticate': parseCryptoCaAuthenticate,
  'crypto-ca-import': parseCryptoCaImport,
  'crypto-key-generate': parseCryptoKeyGenerate,
  'write-memory': parseWriteMemory,
  'show-run-webvpn': parseShowRunWebvpn,
  'show-run-tunnel-group': parseShowRunTunnelGroup,
  'show-run-group-policy': parseShowRunGroupPolicy,
  'show-run-all-group-policy': parseShowRunGroupPolicy,
  'show-run-dynamic-access-policy-record': parseShowRunDap,
  'show-run-vpn-load-balancing': parseShowRunLoadBalancing,
} as const satisfies Record<string, (text: string) => unknown>;

export type AsaParseKind = keyof typeof ASA_PARSERS;

export const ASA_PARSE_KINDS = Object.keys(ASA_PARSERS) as AsaParseKind[];

export function isAsaParseKind(kind: string): kind is AsaParseKind {
  return Object.prototype.hasOwnProperty.call(ASA_PARSERS, kind);
}
