/** Every file in test/fixtures/asa goes through the parser for its command (none is left unparsed). */
import { ASA_PARSERS, AsaParseKind } from '../../../devices/asa/parse';
import { asaFixture, asaFixtureNames } from './fixtures';

const KIND_BY_PREFIX: [string, AsaParseKind][] = [
  ['crypto_ca_authenticate__', 'crypto-ca-authenticate'],
  ['crypto_ca_enroll__', 'crypto-ca-enroll'],
  ['crypto_ca_import_certificate__', 'crypto-ca-import'],
  ['crypto_ca_import_pkcs12_prompt__', 'crypto-ca-import'],
  ['crypto_key_generate_rsa__', 'crypto-key-generate'],
  ['show_crypto_ca_certificates__', 'show-crypto-ca-certificates'],
  ['show_run_crypto_ca_trustpoint__', 'show-run-crypto-ca-trustpoint'],
  ['show_run_ssl__', 'show-run-ssl'],
  ['show_version__', 'show-version'],
  ['write_memory__', 'write-memory'],
];

describe('every ASA fixture', () => {
  it.each(asaFixtureNames())('%s has a parser and parses to JSON', (name) => {
    const entry = KIND_BY_PREFIX.find(([prefix]) => name.startsWith(prefix));
    expect(entry).toBeDefined();
    const parsed = ASA_PARSERS[entry![1]](asaFixture(name));
    const json = JSON.parse(JSON.stringify(parsed));
    expect(json).toEqual(parsed);
    expect(Object.keys(json).length).toBeGreaterThan(0);
  });
});
