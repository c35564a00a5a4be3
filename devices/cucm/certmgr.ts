/**
 * CUCM 14+ certificate-management REST API (`/platformcom/api/v1/certmgr/`), platform-administrator credentials:
 * list, upload and delete trust certificates of one service (certroll uses the Phone-VPN-trust store).
 * Paths for list and upload are the ones community clients use; the delete form and the exact JSON shapes are not
 * publicly documented (domain.md §2.2, §9), so responses are read tolerantly and every certificate is re-parsed here.
 */
import { z } from 'zod';
import { CertInfo, parseCertificate } from '../cert';
import { AuthError, InvalidInput, TransportError } from '../errors';
import { CertmgrError, CertmgrUnavailable, CucmProtocolError } from './errors';
import { CucmHttp, CucmHttpOptions, HttpResponse } from './http';
import { hasControlChars } from './xml';

export const CERTMGR_BASE = '/platformcom/api/v1/certmgr/config';
export const PHONE_VPN_TRUST = 'Phone-VPN-trust';

export interface TrustStoreEntry {
  /** The store's file name for the certificate (derived from the CN, e.g. `vpn.example.com.pem`) when reported. */
  certificateName?: string;
  cert: CertInfo;
}

const serviceName = z.string().regex(/^[A-Za-z0-9-]{1,40}$/, 'a trust store name such as Phone-VPN-trust');
const certificateName = z.string().regex(/^[A-Za-z0-9 ._()*-]{1,128}$/, 'a certificate file name');
const description = z
  .string()
  .max(255)
  .refine((s) => !hasControlChars(s), 'no control characters');

function valid<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new InvalidInput(`invalid ${what}: ${r.error.issues[0]?.message}`);
  return r.data;
}

function messageOf(body: string): string {
  try {
    const json = JSON.parse(body) as { message?: unknown; messages?: unknown };
    if (typeof json.message === 'string') return json.message;
    if (Array.isArray(json.messages)) return json.messages.map(String).join('; ');
  } catch {
    // Not JSON (Tomcat's HTML error page): fall through.
  }
  return body
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}

export class CertmgrClient {
  private readonly http: CucmHttp;

  constructor(opts: CucmHttpOptions) {
    this.http = new CucmHttp(opts);
  }

  private check(res: HttpResponse, what: string): void {
    if (res.status >= 200 && res.status < 300) return;
    if (res.status === 401) throw new AuthError(`certmgr ${what}: the platform administrator was refused (HTTP 401)`);
    // Tomcat's HTML 404 means no such API (before CUCM 14); a JSON 404 is the API saying the item does not exist.
    if (res.status === 404 && !(res.headers['content-type'] ?? '').includes('json')) {
      throw new CertmgrUnavailable(`certmgr ${what}: no certificate-management API here (CUCM before 14?)`);
    }
    if (res.status === 503) throw new TransportError(`certmgr ${what}: service unavailable (HTTP 503)`);
    if (res.status >= 400 && res.status < 500)
      throw new CertmgrError(`certmgr ${what}: ${messageOf(res.body)}`, res.status);
    throw new CucmProtocolError(`certmgr ${what}: HTTP ${res.status}: ${messageOf(res.body)}`, res.status);
  }

  /** Every certificate in the trust store, parsed (hashes, names, validity). */
  async listTrust(service = PHONE_VPN_TRUST): Promise<TrustStoreEntry[]> {
    const svc = valid(serviceName, service, 'service');
    const res = await this.http.request({
      method: 'GET',
      path: `${CERTMGR_BASE}/trust/certificate?service=${encodeURIComponent(svc)}`,
      headers: { Accept: 'application/json' },
    });
    this.check(res, 'list');
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      throw new CucmProtocolError('certmgr list: response is not JSON', res.status);
    }
    const items = Array.isArray(json) ? json : ((json as { certificates?: unknown[] })?.certificates ?? []);
    return items.map((item) => {
      const it = item as Record<string, unknown>;
      const pem = String(it.certificate ?? it.certificateData ?? '');
      const name = it.certificateName ?? it.name ?? it.fileName;
      return { certificateName: typeof name === 'string' ? name : undefined, cert: parseCertificate(pem) };
    });
  }

  /** Upload one certificate (PEM) to the trust store. CUCM's same-name rule applies on the server. */
  async uploadTrust(pem: string, service = PHONE_VPN_TRUST, note = 'uploaded by certroll'): Promise<void> {
    const svc = valid(serviceName, service, 'service');
    const cert = parseCertificate(pem);
    const body = JSON.stringify({
      service: [svc],
      certificates: [cert.pem],
      description: valid(description, note, 'description'),
    });
    const res = await this.http.request({
      method: 'POST',
      path: `${CERTMGR_BASE}/trust/certificates`,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body,
    });
    this.check(res, 'upload');
  }

  /** Delete one trust certificate by its store name. */
  async deleteTrust(name: string, service = PHONE_VPN_TRUST): Promise<void> {
    const svc = valid(serviceName, service, 'service');
    const certName = valid(certificateName, name, 'certificate name');
    const res = await this.http.request({
      method: 'DELETE',
      path: `${CERTMGR_BASE}/trust/certificate?service=${encodeURIComponent(svc)}&certificateName=${encodeURIComponent(certName)}`,
      headers: { Accept: 'application/json' },
    });
    this.check(res, 'delete');
  }
}
