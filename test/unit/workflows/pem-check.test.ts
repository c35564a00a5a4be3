import { checkSignedCertificate, csrSpkiHex, splitChain } from '../../../workflows/pem-check';
import { createTestCa, createTestCsr } from '../../support/pki';

describe('signed-cert gate validation (workflow-safe DER reading)', () => {
  const ca = createTestCa('Example Issuing CA', 1024);
  const ours = createTestCsr('vpn-2026.example.com');
  const other = createTestCsr('someone-else.example.com');
  const spki = csrSpkiHex(ours.csrPem);

  it('accepts the certificate issued for our CSR, with its chain', () => {
    const pem = ca.sign(ours.csrPem) + ca.certPem;
    expect(() => checkSignedCertificate(pem, spki, Date.now())).not.toThrow();
    expect(splitChain(pem).cas).toHaveLength(1);
  });

  it('refuses a certificate for another key', () => {
    expect(() => checkSignedCertificate(ca.sign(other.csrPem), spki, Date.now())).toThrow(
      /not the key of this rollover's CSR/,
    );
  });

  it('refuses text that is not a certificate', () => {
    expect(() => checkSignedCertificate('hello', spki, Date.now())).toThrow(/no -----BEGIN CERTIFICATE----- block/);
    expect(() =>
      checkSignedCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', spki, Date.now()),
    ).toThrow(/not a valid X.509 certificate/);
    expect(() => checkSignedCertificate(ours.csrPem, spki, Date.now())).toThrow(/no -----BEGIN CERTIFICATE----- block/);
  });

  it('refuses an expired or not-yet-valid certificate', () => {
    const expired = ca.sign(ours.csrPem, { notBefore: new Date(Date.now() - 10 * 86_400_000), days: 5 });
    expect(() => checkSignedCertificate(expired, spki, Date.now())).toThrow(/has expired/);
    const future = ca.sign(ours.csrPem, { notBefore: new Date(Date.now() + 10 * 86_400_000) });
    expect(() => checkSignedCertificate(future, spki, Date.now())).toThrow(/not valid yet/);
  });

  it('reads a CSR given without armour (some ASA releases print bare base64)', () => {
    const bare = ours.csrPem.replace(/-----(BEGIN|END) CERTIFICATE REQUEST-----/g, '');
    expect(csrSpkiHex(bare)).toBe(spki);
  });
});
