/**
 * A lab phone's console log (Device Logs > Console Logs), in the format of the seed doc's captures:
 * `913: ERR 10:19:27.422295 VPNC: alert_err: SSL write alert: code 48, unknown CA` (domain.md §5.8).
 */
export type LogLevel = 'NOT' | 'ERR' | 'WRN';

const MAX_LINES = 400;

function clock(at: Date): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}.${pad(at.getMilliseconds() * 1000, 6)}`;
}

export class ConsoleLog {
  private readonly lines: string[] = [];
  private next = 900;
  /** The last VPNC line, the one an operator looks for first. */
  lastVpnc?: string;

  add(level: LogLevel, text: string, at = new Date()): void {
    this.lines.push(`${this.next}: ${level} ${clock(at)} ${text}`);
    this.next += 1;
    if (text.startsWith('VPNC: ')) this.lastVpnc = text.slice('VPNC: '.length);
    if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES);
  }

  all(): string[] {
    return [...this.lines];
  }
}

/** The seed's capture of a phone refusing the ASA certificate (hash not in its certHash list). */
export function logUnknownCa(log: ConsoleLog, subject: string, leafHex: string): void {
  log.add('NOT', `VPNC: cert_vfy_cb: depth:1 of 1, subject: <${subject}>`);
  log.add('NOT', `SECD: Leaf cert hash = ${leafHex}`);
  log.add('ERR', 'VPNC: VPN cert chain verification failed, issuer certificate not found and leaf not trusted');
  log.add('ERR', 'VPNC: ssl_state_cb: TLSv1: write: alert: fatal: unknown CA');
  log.add('NOT', 'VPNC: set_login_state: LOGIN: 1 (TRYING) --> 3 (FAILED)');
  log.add('NOT', 'VPNC: vpnc_send_notify: notify code: 37 [SslAlertSrvrCert]');
  // Last, so it is what lastVpncLog shows.
  log.add('ERR', 'VPNC: alert_err: SSL write alert: code 48, unknown CA');
}

/** The seed's capture of a failed host-ID check (URL host not in the certificate's CN/SAN). */
export function logHostIdFailure(log: ConsoleLog, host: string, wildcard?: string): void {
  if (wildcard) {
    log.add('NOT', 'VPNC: DNS has wildcard, starting checks...');
    log.add(
      'ERR',
      `VPNC: Generic third level wildcards are not allowed, stopping checks on host=(${host}) and dns=(${wildcard})`,
    );
  }
  log.add('NOT', 'VPNC: hostID not found in subjectAltNames');
  log.add('NOT', 'VPNC: hostID not found in subject name');
  log.add('ERR', 'VPNC: hostIDCheck failed!!');
}
