/**
 * The lab's AXL endpoint (`POST /axl/`): version checked from SOAPAction and the body namespace (HTTP 599 lists the
 * versions this release accepts), CUCM's response shapes (`ns:` prefix on the response element only, unqualified
 * children, `uuid` attributes, StandardResponse `{UUID}`), CUCM's fault codes and texts, and the throttling knobs.
 */
import { PhoneAction } from '../contracts';
import { SOAP_ENV_NS } from '../../devices/cucm/soap';
import { asArray, escapeXml, parseXml, path, text, XmlNode } from '../../devices/cucm/xml';
import { CucmFaults } from './faults';
import { CucmModel, LabAxlRuleError, LabCommonPhoneConfig, LabGateway, LabGroup, LabPhone, LabProfile } from './model';
import { answerSql } from './sql';

export type LabAxlVersion = '12.5' | '14.0' | '15.0';

/** What each release accepts: its own schema and the older majors still in support (N-2; there is no 13.x). */
export const ACCEPTED_AXL_VERSIONS: Record<LabAxlVersion, string[]> = {
  '12.5': ['10.0', '10.5', '11.0', '11.5', '12.0', '12.5'],
  '14.0': ['11.0', '11.5', '12.0', '12.5', '14.0'],
  '15.0': ['12.0', '12.5', '14.0', '15.0'],
};

export const CCM_VERSIONS: Record<LabAxlVersion, string> = {
  '12.5': '12.5.1.16900-48',
  '14.0': '14.0.1.13900-155',
  '15.0': '15.0.1.11900-23',
};

const WRITE_OPERATIONS = new Set(['updateVpnGateway', 'applyPhone', 'resetPhone', 'restartPhone', 'doDeviceReset']);
const VPN_OPERATIONS = /VpnGateway|VpnGroup|VpnProfile/;
const MEMORY_FAULT = 'Maximum AXL Memory Allocation Consumed. Please retry once requests in progress have completed';

export interface AxlContext {
  model: CucmModel;
  faults: CucmFaults;
  version: LabAxlVersion;
  exportRestricted: boolean;
  /** Writes seen so far (the 503 ratio knob counts them). */
  counters: { writes: number };
  onPhoneAction(name: string, action: PhoneAction): void;
}

export interface LabAnswer {
  status: number;
  contentType: string;
  body: string;
  operation: string;
  write: boolean;
}

class AxlRequestFault extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly faultCode = 'soapenv:Server',
  ) {
    super(message);
  }
}

function envelope(body: string): string {
  return `<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV_NS}"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

export function axlFaultBody(code: number, message: string, operation: string, faultCode = 'soapenv:Server'): string {
  const m = escapeXml(message);
  return envelope(
    `<soapenv:Fault><faultcode>${faultCode}</faultcode><faultstring>${m}</faultstring><detail><axlError><axlcode>${code}</axlcode>` +
      `<axlmessage>${m}</axlmessage><request>${escapeXml(operation)}</request></axlError></detail></soapenv:Fault>`,
  );
}

function html(status: number, title: string): string {
  return `<!doctype html><html lang="en"><head><title>HTTP Status ${status} – ${title}</title></head><body><h1>HTTP Status ${status} – ${title}</h1></body></html>`;
}

/** SQL LIKE (`%`, `_`) as a case-insensitive regular expression. */
function likeToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

const el = (name: string, value: string | number | boolean) => `<${name}>${escapeXml(String(value))}</${name}>`;
const fk = (name: string, value: string | undefined, uuid?: string) =>
  value ? `<${name}${uuid ? ` uuid="${uuid}"` : ''}>${escapeXml(value)}</${name}>` : `<${name}/>`;

type Field<T> = [string, (item: T, ctx: AxlContext) => string];

/** Only the requested returnedTags, in schema order (all when none are named). */
function renderItem<T extends { uuid: string }>(
  tag: string,
  item: T,
  fields: Field<T>[],
  wanted: Set<string>,
  ctx: AxlContext,
): string {
  const inner = fields
    .filter(([name]) => wanted.size === 0 || wanted.has(name))
    .map(([, render]) => render(item, ctx))
    .join('');
  return `<${tag} uuid="${item.uuid}">${inner}</${tag}>`;
}

const GATEWAY_FIELDS: Field<LabGateway>[] = [
  ['name', (g) => el('name', g.name)],
  ['description', (g) => el('description', g.description)],
  ['url', (g) => el('url', g.url)],
  [
    'certificates',
    (g) =>
      `<certificates>${g.certificates
        .map(
          (c) =>
            `<certificate uuid="${c.uuid}">${el('issuerName', c.issuerName)}${el('serialNumber', c.serialNumber)}</certificate>`,
        )
        .join('')}</certificates>`,
  ],
];

const GROUP_FIELDS: Field<LabGroup>[] = [
  ['name', (g) => el('name', g.name)],
  ['description', (g) => el('description', g.description)],
  [
    'vpnGateways',
    (g) =>
      `<vpnGateways>${g.gateways
        .map((m) => `<vpnGateway>${fk('vpnGatewayName', m.name, m.uuid)}${el('priority', m.priority)}</vpnGateway>`)
        .join('')}</vpnGateways>`,
  ],
];

const PROFILE_FIELDS: Field<LabProfile>[] = [
  ['name', (p) => el('name', p.name)],
  ['description', (p) => el('description', p.description)],
  ['autoNetworkDetection', (p) => el('autoNetworkDetection', p.autoNetworkDetection)],
  ['mtu', (p) => el('mtu', p.mtu)],
  ['failToConnect', (p) => el('failToConnect', p.failToConnect)],
  ['clientAuthentication', (p) => el('clientAuthentication', p.clientAuthentication)],
  ['pwdPersistant', (p) => el('pwdPersistant', p.pwdPersistant)],
  ['enableHostIdCheck', (p) => el('enableHostIdCheck', p.enableHostIdCheck)],
];

const CPP_FIELDS: Field<LabCommonPhoneConfig>[] = [
  ['name', (c) => el('name', c.name)],
  ['description', (c) => el('description', c.description)],
  [
    'vpnGroupName',
    (c, ctx) => fk('vpnGroupName', c.vpnGroupName, c.vpnGroupName && ctx.model.groups.get(c.vpnGroupName)?.uuid),
  ],
  [
    'vpnProfileName',
    (c, ctx) =>
      fk('vpnProfileName', c.vpnProfileName, c.vpnProfileName && ctx.model.profiles.get(c.vpnProfileName)?.uuid),
  ],
];

const PHONE_FIELDS: Field<LabPhone>[] = [
  ['name', (p) => el('name', p.name)],
  ['description', (p) => el('description', p.description)],
  ['product', (p) => el('product', p.model)],
  ['model', (p) => el('model', p.model)],
  ['class', () => el('class', 'Phone')],
  ['protocol', (p) => el('protocol', p.protocol)],
  ['protocolSide', () => el('protocolSide', 'User')],
  ['devicePoolName', (p) => fk('devicePoolName', p.devicePoolName, '{1B1B9EB6-7803-11D3-BDF0-00108302EAD1}')],
  [
    'commonPhoneConfigName',
    (p, ctx) =>
      fk(
        'commonPhoneConfigName',
        p.commonPhoneConfigName,
        ctx.model.commonPhoneConfigs.get(p.commonPhoneConfigName)?.uuid,
      ),
  ],
];

function returnedTags(request: XmlNode): Set<string> {
  const tags = request.returnedTags;
  return new Set(tags && typeof tags === 'object' ? Object.keys(tags).filter((k) => !k.startsWith('@_')) : []);
}

function byNameOrUuid<T extends { uuid: string; name: string }>(
  items: Map<string, T>,
  request: XmlNode,
  what: string,
  code = 5007,
): T {
  const name = text(request.name);
  const uuid = text(request.uuid).toUpperCase();
  const found = name ? items.get(name) : [...items.values()].find((i) => i.uuid === uuid);
  if (!found) throw new AxlRequestFault(code, `Item not valid: The specified ${what} was not found`);
  return found;
}

function listOf<T extends { uuid: string; name: string }>(
  items: Iterable<T>,
  request: XmlNode,
  descriptionOf?: (t: T) => string,
): T[] {
  const criteria = (request.searchCriteria ?? {}) as XmlNode;
  const name = text(criteria.name);
  const description = text(criteria.description);
  if (!name && !description)
    throw new AxlRequestFault(5003, 'searchCriteria needs at least one criterion', 'soapenv:Client');
  const byName = name ? likeToRegExp(name) : undefined;
  const byDescription = description ? likeToRegExp(description) : undefined;
  const matched = [...items].filter(
    (i) => (!byName || byName.test(i.name)) && (!byDescription || byDescription.test(descriptionOf?.(i) ?? '')),
  );
  const skip = Number(text(request.skip) || 0);
  const first = text(request.first) ? Number(text(request.first)) : undefined;
  return matched.slice(skip, first === undefined ? undefined : skip + first);
}

function ok(ctx: AxlContext, operation: string, returned: string): string {
  return envelope(
    `<ns:${operation}Response xmlns:ns="http://www.cisco.com/AXL/API/${ctx.version}"><return>${returned}</return></ns:${operation}Response>`,
  );
}

/** "Query request too large" when a list answer would exceed the response limit (CUCM: 8 MB). */
function checkSize(ctx: AxlContext, rows: number, bytes: number): void {
  if (bytes <= ctx.faults.axlResponseLimitBytes) return;
  const suggested = Math.max(1, Math.floor((rows * ctx.faults.axlResponseLimitBytes) / bytes));
  throw new AxlRequestFault(
    -1,
    `Query request too large. Total rows matched: ${rows} rows. Suggestive Row Fetch: less than ${suggested} rows`,
  );
}

function phoneAction(ctx: AxlContext, phone: LabPhone, action: PhoneAction): string {
  ctx.onPhoneAction(phone.name, action);
  return phone.uuid;
}

const OPERATIONS: Record<string, (ctx: AxlContext, request: XmlNode, operation: string) => string> = {
  getCCMVersion: (ctx, _r, op) =>
    ok(ctx, op, `<componentVersion>${el('version', CCM_VERSIONS[ctx.version])}</componentVersion>`),
  getVpnGateway: (ctx, r, op) =>
    ok(
      ctx,
      op,
      renderItem(
        'vpnGateway',
        byNameOrUuid(ctx.model.gateways, r, 'VPN Gateway'),
        GATEWAY_FIELDS,
        returnedTags(r),
        ctx,
      ),
    ),
  listVpnGateway: (ctx, r, op) => {
    const fields = GATEWAY_FIELDS.filter(([n]) => n !== 'certificates'); // LVpnGateway has no certificates
    const rows = listOf(ctx.model.gateways.values(), r, (g) => g.description);
    return ok(ctx, op, rows.map((g) => renderItem('vpnGateway', g, fields, returnedTags(r), ctx)).join(''));
  },
  updateVpnGateway: (ctx, r, op) => {
    const gw = byNameOrUuid(ctx.model.gateways, r, 'VPN Gateway', 5003);
    if (r.certificates !== undefined) {
      const members = asArray<XmlNode>(path(r, 'certificates', 'certificate')).map((c) => ({
        issuerName: text(c.issuerName),
        serialNumber: text(c.serialNumber),
      }));
      ctx.model.setGatewayCertificates(gw.name, members);
    }
    if (r.url !== undefined) gw.url = text(r.url);
    if (r.description !== undefined) gw.description = text(r.description);
    return ok(ctx, op, gw.uuid);
  },
  getVpnGroup: (ctx, r, op) =>
    ok(
      ctx,
      op,
      renderItem('vpnGroup', byNameOrUuid(ctx.model.groups, r, 'VPN Group'), GROUP_FIELDS, returnedTags(r), ctx),
    ),
  listVpnGroup: (ctx, r, op) => {
    const fields = GROUP_FIELDS.filter(([n]) => n !== 'vpnGateways');
    return ok(
      ctx,
      op,
      listOf(ctx.model.groups.values(), r, (g) => g.description)
        .map((g) => renderItem('vpnGroup', g, fields, returnedTags(r), ctx))
        .join(''),
    );
  },
  getVpnProfile: (ctx, r, op) =>
    ok(
      ctx,
      op,
      renderItem(
        'vpnProfile',
        byNameOrUuid(ctx.model.profiles, r, 'VPN Profile'),
        PROFILE_FIELDS,
        returnedTags(r),
        ctx,
      ),
    ),
  listVpnProfile: (ctx, r, op) =>
    ok(
      ctx,
      op,
      listOf(ctx.model.profiles.values(), r)
        .map((p) => renderItem('vpnProfile', p, PROFILE_FIELDS, returnedTags(r), ctx))
        .join(''),
    ),
  getCommonPhoneConfig: (ctx, r, op) =>
    ok(
      ctx,
      op,
      renderItem(
        'commonPhoneConfig',
        byNameOrUuid(ctx.model.commonPhoneConfigs, r, 'Common Phone Profile'),
        CPP_FIELDS,
        returnedTags(r),
        ctx,
      ),
    ),
  listCommonPhoneConfig: (ctx, r, op) =>
    ok(
      ctx,
      op,
      listOf(ctx.model.commonPhoneConfigs.values(), r, (c) => c.description)
        .map((c) => renderItem('commonPhoneConfig', c, CPP_FIELDS, returnedTags(r), ctx))
        .join(''),
    ),
  getPhone: (ctx, r, op) =>
    ok(ctx, op, renderItem('phone', byNameOrUuid(ctx.model.phones, r, 'Phone'), PHONE_FIELDS, returnedTags(r), ctx)),
  listPhone: (ctx, r, op) => {
    const phones = ctx.model.phoneNames().map((n) => ctx.model.phones.get(n)!);
    const rows = listOf(phones, r, (p) => p.description);
    const xml = rows.map((p) => renderItem('phone', p, PHONE_FIELDS, returnedTags(r), ctx)).join('');
    checkSize(ctx, rows.length, xml.length);
    return ok(ctx, op, xml);
  },
  applyPhone: (ctx, r, op) => ok(ctx, op, phoneAction(ctx, byNameOrUuid(ctx.model.phones, r, 'Phone'), 'apply')),
  resetPhone: (ctx, r, op) => ok(ctx, op, phoneAction(ctx, byNameOrUuid(ctx.model.phones, r, 'Phone'), 'reset')),
  restartPhone: (ctx, r, op) => ok(ctx, op, phoneAction(ctx, byNameOrUuid(ctx.model.phones, r, 'Phone'), 'restart')),
  doDeviceReset: (ctx, r, op) => {
    const phone = byNameOrUuid(ctx.model.phones, { name: r.deviceName } as XmlNode, 'Device');
    const type = text(r.deviceResetType) || (text(r.isHardReset) === 'true' ? 'Reset' : 'Restart');
    const action: Record<string, PhoneAction> = { Reset: 'reset', Restart: 'restart', 'Apply Configuration': 'apply' };
    if (!action[type]) throw new AxlRequestFault(5003, `Unsupported deviceResetType ${type}`, 'soapenv:Client');
    phoneAction(ctx, phone, action[type]);
    return ok(ctx, op, 'true');
  },
  executeSQLQuery: (ctx, r, op) => {
    const rows = answerSql(ctx.model, text(r.sql));
    if (!rows) throw new AxlRequestFault(201, 'A syntax error has occurred.');
    const xml = rows
      .map(
        (row) =>
          `<row>${Object.entries(row)
            .map(([k, v]) => (v === '' ? `<${k}/>` : el(k, v)))
            .join('')}</row>`,
      )
      .join('');
    checkSize(ctx, rows.length, xml.length);
    return ok(ctx, op, xml);
  },
};

interface ParsedCall {
  operation: string;
  version: string;
  request: XmlNode;
}

function parseCall(ctx: AxlContext, soapAction: string | undefined, body: string): ParsedCall {
  const action = /^"?CUCM:DB ver=(\d+\.\d+)(?:\s+(\w+))?"?$/.exec(soapAction?.trim() ?? '');
  if (soapAction && !action) throw new AxlRequestFault(-1, `Invalid SOAPAction ${soapAction}`, 'soapenv:Client');
  const first = /<(?:[\w-]+:)?Body[^>]*>\s*<(?:([\w-]+):)?(\w+)/.exec(body);
  if (!first) throw new AxlRequestFault(-1, 'The request has no SOAP Body element', 'soapenv:Client');
  const [, prefix, operation] = first;
  const ns = new RegExp(`xmlns${prefix ? `:${prefix}` : ''}="http://www\\.cisco\\.com/AXL/API/([0-9.]+)"`).exec(
    body,
  )?.[1];
  // Without a SOAPAction CUCM assumes the oldest schema it still supports.
  const version = action?.[1] ?? ACCEPTED_AXL_VERSIONS[ctx.version][0];
  if (ns && ns !== version) {
    throw new AxlRequestFault(
      -1,
      `The request namespace (AXL ${ns}) does not match the SOAPAction version ${version}`,
      'soapenv:Client',
    );
  }
  if (action?.[2] && action[2] !== operation) {
    throw new AxlRequestFault(-1, `SOAPAction ${action[2]} does not match the request ${operation}`, 'soapenv:Client');
  }
  let doc: XmlNode;
  try {
    doc = parseXml(body);
  } catch (err) {
    throw new AxlRequestFault(-1, `Unable to parse the request: ${(err as Error).message}`, 'soapenv:Client');
  }
  const request = path(doc, 'Envelope', 'Body', operation);
  return { operation, version, request: (typeof request === 'object' && request ? request : {}) as XmlNode };
}

function throttled(faults: CucmFaults, writeIndex: number): boolean {
  const knob = faults.axlThrottle503;
  if (typeof knob === 'number') {
    if (knob <= 0) return false;
    faults.axlThrottle503 = knob - 1;
    return true;
  }
  return Math.floor(writeIndex * knob.ratio) > Math.floor((writeIndex - 1) * knob.ratio);
}

/** Answer one authenticated AXL POST. */
export function handleAxl(ctx: AxlContext, soapAction: string | undefined, body: string): LabAnswer {
  const xml = (status: number, content: string, operation: string, write: boolean): LabAnswer => ({
    status,
    contentType: 'text/xml;charset=UTF-8',
    body: content,
    operation,
    write,
  });
  let call: ParsedCall;
  try {
    call = parseCall(ctx, soapAction, body);
  } catch (err) {
    const f = err as AxlRequestFault;
    return xml(500, axlFaultBody(f.code, f.message, 'unknown', f.faultCode), 'unknown', false);
  }
  const { operation } = call;
  const write = WRITE_OPERATIONS.has(operation);
  if (!ACCEPTED_AXL_VERSIONS[ctx.version].includes(call.version)) {
    const list = ACCEPTED_AXL_VERSIONS[ctx.version].join(',');
    return {
      status: 599,
      contentType: 'text/html;charset=utf-8',
      body: html(599, `Incorrect axl version. Supported axl versions: ${list}`),
      operation,
      write,
    };
  }
  if (write && throttled(ctx.faults, ++ctx.counters.writes)) {
    return {
      status: 503,
      contentType: 'text/html;charset=utf-8',
      body: html(503, 'Service Unavailable'),
      operation,
      write,
    };
  }
  if (!write && ctx.faults.axlMemoryFault > 0) {
    ctx.faults.axlMemoryFault--;
    return xml(500, axlFaultBody(-1, MEMORY_FAULT, operation), operation, write);
  }
  const injected = ctx.faults.axlFaultOn;
  if (injected && injected.operation === operation) {
    if (injected.count !== undefined && --injected.count <= 0) ctx.faults.axlFaultOn = undefined;
    return xml(500, axlFaultBody(injected.code, injected.message, operation), operation, write);
  }
  const handler = OPERATIONS[operation];
  if (!handler)
    return xml(
      500,
      axlFaultBody(
        -1,
        `Unknown or unsupported operation ${operation} in the certroll lab`,
        operation,
        'soapenv:Client',
      ),
      operation,
      write,
    );
  if (!ctx.exportRestricted && VPN_OPERATIONS.test(operation)) {
    return xml(
      500,
      axlFaultBody(
        5007,
        'Item not valid: VPN features are not available on an export unrestricted Unified CM',
        operation,
      ),
      operation,
      write,
    );
  }
  try {
    return xml(200, handler(ctx, call.request, operation), operation, write);
  } catch (err) {
    if (err instanceof AxlRequestFault)
      return xml(500, axlFaultBody(err.code, err.message, operation, err.faultCode), operation, write);
    if (err instanceof LabAxlRuleError)
      return xml(500, axlFaultBody(err.code, err.message, operation), operation, write);
    throw err;
  }
}
