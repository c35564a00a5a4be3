/** A throwaway CA for tests: signs CSRs the way an enterprise CA would (node-forge, RSA). */
import forge from 'node-forge';

export interface TestCa {
  certPem: string;
  sign(csrPem: string, opts?: { days?: number; notBefore?: Date; serialHex?: string }): string;
}

function randomSerial(): string {
  return `01${forge.util.bytesToHex(forge.random.getBytesSync(8))}`;
}

export function createTestCa(cn = 'certroll test CA', bits = 2048): TestCa {
  const keys = forge.pki.rsa.generateKeyPair(bits);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = new Date(Date.now() - 3_600_000);
  cert.validity.notAfter = new Date(Date.now() + 5 * 365 * 86_400_000);
  const attrs = [
    { shortName: 'CN', value: cn },
    { shortName: 'O', value: 'certroll tests' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return {
    certPem: forge.pki.certificateToPem(cert),
    sign(csrPem, opts = {}) {
      const csr = forge.pki.certificationRequestFromPem(csrPem);
      const leaf = forge.pki.createCertificate();
      leaf.publicKey = csr.publicKey as forge.pki.rsa.PublicKey;
      leaf.serialNumber = opts.serialHex ?? randomSerial();
      leaf.validity.notBefore = opts.notBefore ?? new Date(Date.now() - 60_000);
      leaf.validity.notAfter = new Date(leaf.validity.notBefore.getTime() + (opts.days ?? 365) * 86_400_000);
      leaf.setSubject(csr.subject.attributes);
      leaf.setIssuer(cert.subject.attributes);
      const cn = csr.subject.getField('CN')?.value as string | undefined;
      leaf.setExtensions([{ name: 'subjectAltName', altNames: cn ? [{ type: 2, value: cn }] : [] }]);
      leaf.sign(keys.privateKey, forge.md.sha256.create());
      return forge.pki.certificateToPem(leaf);
    },
  };
}

export function createTestCsr(cn: string, bits = 1024): { csrPem: string } {
  const keys = forge.pki.rsa.generateKeyPair(bits);
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = keys.publicKey;
  csr.setSubject([{ shortName: 'CN', value: cn }]);
  csr.sign(keys.privateKey, forge.md.sha256.create());
  return { csrPem: forge.pki.certificationRequestToPem(csr) };
}
