/**
 * The lab's executeSQLQuery: it answers exactly the fixed queries certroll sends (devices/cucm/axl-sql.ts) from the
 * lab model, with Informix's lower-case column names. Anything else gets the syntax-error fault, so a client that
 * starts sending other SQL fails loudly in tests.
 */
import { PHONE_VPN_TRUST_SQL } from '../../devices/cucm/axl-sql';
import { CucmModel } from './model';

const SCOPE =
  /^SELECT (?:SKIP (\d+) FIRST (\d+) d\.name, cpc\.name AS cpp|COUNT\(\*\) AS phones) FROM device d JOIN commonphoneconfig cpc ON cpc\.pkid = d\.fkcommonphoneconfig WHERE cpc\.name IN \(((?:'[^']*',?)+)\) AND d\.tkclass = 1( ORDER BY d\.name)?$/;

function normalize(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

export function answerSql(model: CucmModel, sql: string): Array<Record<string, string>> | undefined {
  const query = normalize(sql);
  if (query === normalize(PHONE_VPN_TRUST_SQL)) {
    return [...model.trust.values()]
      .sort((a, b) => a.cert.subject.rfc2253.localeCompare(b.cert.subject.rfc2253))
      .map((t) => ({
        pkid: t.pkid,
        subjectname: t.cert.subject.rfc2253,
        issuername: t.cert.issuer.rfc2253,
        serialnumber: t.cert.serialHex,
        hash: t.cert.sha1Base64,
      }));
  }
  const m = SCOPE.exec(query);
  if (!m) return undefined;
  const names = [...m[3].matchAll(/'([^']*)'/g)].map((x) => x[1]);
  const phones = model.phonesUsing(names);
  if (m[1] === undefined) return [{ phones: String(phones.length) }];
  const skip = Number(m[1]);
  return phones
    .slice(skip, skip + Number(m[2]))
    .map((name) => ({ name, cpp: model.phones.get(name)!.commonPhoneConfigName }));
}
