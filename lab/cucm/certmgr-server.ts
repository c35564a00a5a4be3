/**
 * The lab's certificate-management REST API (CUCM 14+): list, upload and delete trust certificates. Only the
 * Phone-VPN-trust store is modelled; other known stores answer empty. Upload applies CUCM's rules through the
 * model (PEM/DER only, no wildcards, one certificate per name, replaced only by a newer one: CSCuh19734).
 */
import { CucmModel, LabCertmgrRuleError } from './model';
import { LabAnswer } from './axl-server';

export const CERTMGR_PREFIX = '/platformcom/api/v1/certmgr/config/trust/';
const KNOWN_SERVICES = new Set([
  'tomcat',
  'CallManager',
  'CAPF',
  'ipsec',
  'TVS',
  'ITLRecovery',
  'Phone-VPN-trust',
  'Phone-trust',
]);

function json(status: number, value: unknown, operation: string, write: boolean): LabAnswer {
  return { status, contentType: 'application/json', body: JSON.stringify(value), operation, write };
}

function serviceOf(url: URL): string | undefined {
  const service = url.searchParams.get('service') ?? undefined;
  return service && KNOWN_SERVICES.has(service) ? service : undefined;
}

function listTrust(model: CucmModel, url: URL): LabAnswer {
  const service = serviceOf(url);
  if (!service) return json(400, { message: 'Invalid or missing service name' }, 'listTrust', false);
  const entries = service === 'Phone-VPN-trust' ? [...model.trust.values()] : [];
  return json(
    200,
    entries.map((t) => ({
      certificateName: t.name,
      service,
      certificate: t.cert.pem,
      serialNumber: t.cert.serialHex,
      subjectName: t.cert.subject.rfc2253,
      issuerName: t.cert.issuer.rfc2253,
      validFrom: t.cert.notBefore,
      validTo: t.cert.notAfter,
      description: t.description,
    })),
    'listTrust',
    false,
  );
}

function uploadTrust(model: CucmModel, body: string): LabAnswer {
  let request: { service?: unknown; certificates?: unknown; description?: unknown };
  try {
    request = JSON.parse(body) as typeof request;
  } catch {
    return json(400, { message: 'Malformed JSON request body' }, 'uploadTrust', true);
  }
  const services = Array.isArray(request.service) ? request.service : [request.service];
  const certificates = Array.isArray(request.certificates) ? request.certificates : [];
  if (services.length === 0 || services.some((s) => typeof s !== 'string' || !KNOWN_SERVICES.has(s))) {
    return json(400, { message: 'Invalid or missing service name' }, 'uploadTrust', true);
  }
  if (certificates.length === 0 || certificates.some((c) => typeof c !== 'string')) {
    return json(400, { message: 'No certificate in the request' }, 'uploadTrust', true);
  }
  if (!services.includes('Phone-VPN-trust'))
    return json(201, { messages: ['Certificate uploaded'] }, 'uploadTrust', true);
  const messages: string[] = [];
  try {
    for (const pem of certificates as string[]) {
      const { entry } = model.uploadTrust(pem, typeof request.description === 'string' ? request.description : '');
      // CUCM reports a replacement exactly like a new upload: that silence is CSCuh19734.
      messages.push(`Successfully uploaded certificate ${entry.name} to Phone-VPN-trust`);
    }
  } catch (err) {
    if (err instanceof LabCertmgrRuleError) return json(err.status, { message: err.message }, 'uploadTrust', true);
    throw err;
  }
  return json(201, { messages }, 'uploadTrust', true);
}

function deleteTrust(model: CucmModel, url: URL): LabAnswer {
  const service = serviceOf(url);
  const name = url.searchParams.get('certificateName');
  if (service !== 'Phone-VPN-trust' || !name)
    return json(400, { message: 'Invalid service or certificate name' }, 'deleteTrust', true);
  try {
    model.deleteTrust(name);
  } catch (err) {
    if (err instanceof LabCertmgrRuleError) return json(err.status, { message: err.message }, 'deleteTrust', true);
    throw err;
  }
  return json(200, { message: `Successfully deleted certificate ${name} from Phone-VPN-trust` }, 'deleteTrust', true);
}

/** Route one authenticated certmgr request; undefined when the path is not a certmgr trust path. */
export function handleCertmgr(model: CucmModel, method: string, url: URL, body: string): LabAnswer | undefined {
  const rest = url.pathname.slice(CERTMGR_PREFIX.length);
  if (method === 'GET' && rest === 'certificate') return listTrust(model, url);
  if (method === 'POST' && rest === 'certificates') return uploadTrust(model, body);
  if (method === 'DELETE' && rest === 'certificate') return deleteTrust(model, url);
  return undefined;
}
