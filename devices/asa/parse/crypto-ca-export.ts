/**
 * `crypto ca export TP identity-certificate`: the PEM between the BEGIN/END markers (the header wording varies by
 * release, so only the markers are trusted; domain.md §1.5).
 */
import { splitPemCertificates } from '../../cert';

export interface CryptoCaExport {
  /** The first certificate, normalised (LF line ends, trailing newline); undefined when none was printed. */
  pem?: string;
  certificates: string[];
}

export function parseCryptoCaExport(text: string): CryptoCaExport {
  const certificates = splitPemCertificates(text.replace(/\r/g, '')).map((p) =>
    p
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .join('\n')
      .concat('\n'),
  );
  return certificates.length > 0 ? { pem: certificates[0], certificates } : { certificates };
}
