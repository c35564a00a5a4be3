/**
 * `show run ssl` and `show run all ssl`: which trustpoint each interface (or SNI domain) presents, the server
 * version and the cipher configuration. This is the stable syntax to verify a switch with (domain.md §1.8).
 */
import { bodyLines, tokens } from './lines';

export interface SslTrustpointBinding {
  trustpoint: string;
  /** The interface name; undefined for a global `ssl trust-point TP` (fallback for every interface). */
  iface?: string;
  /** `ssl trust-point TP domain FQDN` (SNI). */
  domain?: string;
  /** `ssl trust-point TP IF vpnlb-ip`: the certificate for the load-balancing cluster address. */
  vpnlbIp?: boolean;
}

export interface SslCipherSetting {
  /** `default`, `tlsv1`, `tlsv1.1`, `tlsv1.2`, `tlsv1.3`, `dtlsv1`, `dtlsv1.2`. */
  version: string;
  /** `all`, `low`, `medium`, `fips`, `high` or `custom`. */
  level: string;
  /** The OpenSSL cipher string of a `custom` level. */
  custom?: string;
}

export interface RunSsl {
  serverVersion?: string;
  clientVersion?: string;
  /** 8.x `ssl encryption` list (aes256-sha1 aes128-sha1 …). */
  encryption?: string[];
  ciphers: SslCipherSetting[];
  dhGroup?: string;
  ecdhGroup?: string;
  trustpoints: SslTrustpointBinding[];
  /** Every `ssl cipher` / `ssl encryption` line as printed. */
  cipherLines: string[];
  otherLines: string[];
}

export function parseShowRunSsl(text: string): RunSsl {
  const out: RunSsl = { ciphers: [], trustpoints: [], cipherLines: [], otherLines: [] };
  for (const raw of bodyLines(text)) {
    const line = raw.trim();
    if (!line.startsWith('ssl ')) continue;
    const [, keyword, ...args] = tokens(line);
    switch (keyword) {
      case 'server-version':
        out.serverVersion = args.join(' ');
        break;
      case 'client-version':
        out.clientVersion = args.join(' ');
        break;
      case 'encryption':
        out.encryption = args;
        out.cipherLines.push(line);
        break;
      case 'cipher': {
        const [version, level, custom] = args;
        out.ciphers.push(level === 'custom' && custom !== undefined ? { version, level, custom } : { version, level });
        out.cipherLines.push(line);
        break;
      }
      case 'dh-group':
        out.dhGroup = args[0];
        break;
      case 'ecdh-group':
        out.ecdhGroup = args[0];
        break;
      case 'trust-point':
        out.trustpoints.push(parseBinding(args));
        break;
      default:
        out.otherLines.push(line);
    }
  }
  return out;
}

function parseBinding(args: string[]): SslTrustpointBinding {
  const [trustpoint, second, third] = args;
  if (second === 'domain') return { trustpoint, domain: third };
  const binding: SslTrustpointBinding = { trustpoint };
  if (second !== undefined) binding.iface = second;
  if (third === 'vpnlb-ip') binding.vpnlbIp = true;
  return binding;
}

/** The trustpoint an interface presents: its own binding, else a global one. */
export function trustpointForInterface(ssl: Pick<RunSsl, 'trustpoints'>, iface: string): string | undefined {
  const own = ssl.trustpoints.find((b) => b.iface === iface && !b.vpnlbIp && !b.domain);
  return (own ?? ssl.trustpoints.find((b) => b.iface === undefined && b.domain === undefined))?.trustpoint;
}
