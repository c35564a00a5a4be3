/**
 * The only SQL certroll sends through executeSQLQuery (read-only, fixed shapes): the Phone-VPN-trust store with each
 * certificate's hash (Cisco 210541's tables), and the phones that use given common phone profiles, counted and paged
 * by device name (listPhone cannot filter on the common phone profile). Names are validated so that no quote or
 * operator can ever reach the statement.
 */
import { z } from 'zod';
import { InvalidInput } from '../errors';

declare const fixedSql: unique symbol;

/**
 * A statement built by this module: executeSQLQueryRequest takes nothing else. The brand's symbol is not exported, so
 * a plain string (free text, user input, a query assembled elsewhere) does not type-check as FixedSql.
 */
export type FixedSql = string & { readonly [fixedSql]: 'certroll/axl-sql' };

function fixed(sql: string): FixedSql {
  return sql as FixedSql;
}

export const PHONE_VPN_TRUST_SQL: FixedSql = fixed(
  'SELECT c.pkid, c.subjectname, c.issuername, c.serialnumber, h.hash ' +
    'FROM certificate c ' +
    'JOIN certificateservicecertificatemap m ON m.fkcertificate = c.pkid ' +
    'JOIN typecertificateservice t ON t.enum = m.tkcertificateservice ' +
    'LEFT JOIN certificatehashmap h ON h.fkcertificate = c.pkid ' +
    "WHERE t.name = 'Phone-VPN-trust' ORDER BY c.subjectname",
);

/** Common phone profile names as they may appear inside a quoted SQL literal: no quotes, no backslashes. */
const cppNames = z
  .array(z.string().regex(/^[A-Za-z0-9 ._()-]{1,50}$/, 'letters, digits, space and . _ ( ) - only'))
  .min(1)
  .max(50);

function cppList(names: string[]): string {
  const result = cppNames.safeParse(names);
  if (!result.success) {
    throw new InvalidInput(
      `invalid common phone profile names: ${result.error.issues.map((i) => i.message).join('; ')}`,
    );
  }
  return [...new Set(result.data)].map((n) => `'${n}'`).join(',');
}

const SCOPE_FROM =
  'FROM device d JOIN commonphoneconfig cpc ON cpc.pkid = d.fkcommonphoneconfig ' +
  'WHERE cpc.name IN (%CPP%) AND d.tkclass = 1';

export function countPhonesByCommonPhoneConfigSql(names: string[]): FixedSql {
  return fixed(`SELECT COUNT(*) AS phones ${SCOPE_FROM.replace('%CPP%', cppList(names))}`);
}

/** Informix paging (`SKIP n FIRST m`) ordered by device name, so pages are stable between calls. */
export function phonesByCommonPhoneConfigSql(names: string[], skip: number, first: number): FixedSql {
  const p = z
    .object({ skip: z.number().int().min(0), first: z.number().int().min(1).max(1000) })
    .safeParse({ skip, first });
  if (!p.success) throw new InvalidInput('invalid page: skip >= 0 and first 1 to 1000');
  return fixed(
    `SELECT SKIP ${p.data.skip} FIRST ${p.data.first} d.name, cpc.name AS cpp ` +
      `${SCOPE_FROM.replace('%CPP%', cppList(names))} ORDER BY d.name`,
  );
}
