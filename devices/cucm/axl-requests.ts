/**
 * Every AXL request certroll can send, as pure builders: validated input in, `{ operation, body }` out, where body is
 * the SOAP body element in the `ns:` (AXL API) namespace. Nothing reaches the XML unescaped; the test suite validates
 * each builder's output against Cisco's AXLSoap.xsd.
 */
import { z } from 'zod';
import { InvalidInput } from '../errors';
import type { FixedSql } from './axl-sql';
import { DeviceResetType, VpnGatewayMember } from './types';
import { element, hasControlChars } from './xml';

export interface AxlRequest {
  operation: string;
  body: string;
}

/** CUCM object names (gateways, groups, profiles, common phone profiles): free text, but bounded and printable. */
const objectName = z
  .string()
  .min(1)
  .max(50)
  .refine((s) => !hasControlChars(s), 'no control characters')
  .refine((s) => s.trim() === s, 'no leading or trailing spaces');
/** Device names (SEP<MAC>, CSF…, BOT…): AXL's UniqueString128 restricted to the characters CUCM allows in names. */
export const deviceName = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,50}$/, 'a device name of letters, digits, ".", "_" or "-"');
/** A listX search value: SQL LIKE syntax with `%` wildcards. */
const searchPattern = z
  .string()
  .min(1)
  .max(100)
  .refine((s) => !hasControlChars(s), 'no control characters');
const gatewayMember = z.object({
  issuerName: z
    .string()
    .min(1)
    .max(255)
    .refine((s) => !hasControlChars(s), 'no control characters'),
  serialNumber: z.string().regex(/^[0-9A-Fa-f]{1,50}$/, 'a hexadecimal serial number'),
});
const page = z.object({ skip: z.number().int().min(0), first: z.number().int().min(1).max(1000) });

function valid<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InvalidInput(`invalid ${what}: ${result.error.issues.map((i) => i.message).join('; ')}`);
  }
  return result.data;
}

function op(operation: string, inner: string): AxlRequest {
  return { operation, body: inner === '' ? `<ns:${operation}/>` : `<ns:${operation}>${inner}</ns:${operation}>` };
}

export function getCCMVersionRequest(): AxlRequest {
  return op('getCCMVersion', '');
}

export function getVpnGatewayRequest(name: string): AxlRequest {
  return op('getVpnGateway', element('name', valid(objectName, name, 'VPN gateway name')));
}

export function listVpnGatewayRequest(namePattern = '%'): AxlRequest {
  const name = valid(searchPattern, namePattern, 'search pattern');
  return op(
    'listVpnGateway',
    `<searchCriteria>${element('name', name)}</searchCriteria><returnedTags><name/><description/><url/></returnedTags>`,
  );
}

/** updateVpnGateway replaces the whole certificate list: callers always pass the complete new list (1 to 10). */
export function updateVpnGatewayRequest(name: string, certificates: VpnGatewayMember[]): AxlRequest {
  const gateway = valid(objectName, name, 'VPN gateway name');
  const members = valid(z.array(gatewayMember).min(1).max(10), certificates, 'gateway certificate list (1 to 10)');
  const list = members
    .map(
      (m) =>
        `<certificate>${element('issuerName', m.issuerName)}${element('serialNumber', m.serialNumber)}</certificate>`,
    )
    .join('');
  return op('updateVpnGateway', `${element('name', gateway)}<certificates>${list}</certificates>`);
}

export function getVpnGroupRequest(name: string): AxlRequest {
  return op('getVpnGroup', element('name', valid(objectName, name, 'VPN group name')));
}

export function listVpnGroupRequest(namePattern = '%'): AxlRequest {
  const name = valid(searchPattern, namePattern, 'search pattern');
  return op(
    'listVpnGroup',
    `<searchCriteria>${element('name', name)}</searchCriteria><returnedTags><name/><description/></returnedTags>`,
  );
}

export function getVpnProfileRequest(name: string): AxlRequest {
  return op('getVpnProfile', element('name', valid(objectName, name, 'VPN profile name')));
}

export function listCommonPhoneConfigRequest(namePattern = '%'): AxlRequest {
  const name = valid(searchPattern, namePattern, 'search pattern');
  return op(
    'listCommonPhoneConfig',
    `<searchCriteria>${element('name', name)}</searchCriteria>` +
      `<returnedTags><name/><description/><vpnGroupName/><vpnProfileName/></returnedTags>`,
  );
}

export function getCommonPhoneConfigRequest(name: string): AxlRequest {
  const cpp = valid(objectName, name, 'common phone profile name');
  return op(
    'getCommonPhoneConfig',
    `${element('name', cpp)}<returnedTags><name/><description/><vpnGroupName/><vpnProfileName/></returnedTags>`,
  );
}

/** listPhone has no common-phone-profile filter (AXL searchCriteria); callers filter or use the SQL query. */
export function listPhoneRequest(namePattern: string, skip: number, first: number): AxlRequest {
  const name = valid(searchPattern, namePattern, 'search pattern');
  const p = valid(page, { skip, first }, 'page (first must be 1 to 1000)');
  return op(
    'listPhone',
    `<searchCriteria>${element('name', name)}</searchCriteria>` +
      `<returnedTags><name/><model/><devicePoolName/><commonPhoneConfigName/></returnedTags>` +
      `${element('skip', p.skip)}${element('first', p.first)}`,
  );
}

export function getPhoneRequest(name: string): AxlRequest {
  const phone = valid(deviceName, name, 'device name');
  return op(
    'getPhone',
    `${element('name', phone)}<returnedTags><name/><description/><product/><model/><protocol/>` +
      `<devicePoolName/><commonPhoneConfigName/></returnedTags>`,
  );
}

export type PhoneAction = 'applyPhone' | 'resetPhone' | 'restartPhone';

export function phoneActionRequest(action: PhoneAction, name: string): AxlRequest {
  return op(action, element('name', valid(deviceName, name, 'device name')));
}

export function doDeviceResetRequest(name: string, type: DeviceResetType): AxlRequest {
  const device = valid(deviceName, name, 'device name');
  const resetType = valid(z.enum(['Reset', 'Restart', 'Apply Configuration']), type, 'reset type');
  return op('doDeviceReset', `${element('deviceName', device)}${element('deviceResetType', resetType)}`);
}

/**
 * Only the fixed queries of axl-sql.ts come here (FixedSql is branded there and nowhere else); they are built from
 * validated names, never from free text.
 */
export function executeSQLQueryRequest(sql: FixedSql): AxlRequest {
  return op('executeSQLQuery', element('sql', sql));
}
