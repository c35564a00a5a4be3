/**
 * XSD validation with Node only (xmllint compiled to WebAssembly): AXL bodies against Cisco's AXLSoap.xsd 14.0 and
 * RisPort70 bodies against the <schema> embedded in RISService70.wsdl. One xmllint run validates many documents.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { memoryPages, validateXML } from 'xmllint-wasm';

const FIXTURES = path.resolve(__dirname, '..', '..', 'fixtures');

export interface XsdResult {
  valid: boolean;
  /** Error lines per document name. */
  errors: Record<string, string[]>;
}

/** Pull the body element out of a SOAP envelope and declare its prefix on it, so it stands alone as a document. */
export function bodyDocument(envelope: string, prefix: string, namespace: string): string {
  const m = /<soapenv:Body>([\s\S]*)<\/soapenv:Body>/.exec(envelope);
  if (!m) throw new Error('no soapenv:Body in the envelope');
  const body = m[1].trim();
  if (body.includes(`xmlns:${prefix}=`)) return body;
  return body.replace(new RegExp(`^<${prefix}:([A-Za-z]+)`), `<${prefix}:$1 xmlns:${prefix}="${namespace}"`);
}

async function validate(
  docs: Array<{ name: string; xml: string }>,
  schema: string,
  preload: Array<{ fileName: string; contents: string }>,
): Promise<XsdResult> {
  const result = await validateXML({
    xml: docs.map((d) => ({ fileName: d.name, contents: d.xml })),
    schema: [{ fileName: 'schema.xsd', contents: schema }],
    preload,
    initialMemoryPages: 256 * 4,
    maxMemoryPages: memoryPages.GiB,
  });
  const errors: Record<string, string[]> = {};
  for (const e of result.errors) {
    // Lines without a location are xmllint's "<file> fails to validate" summaries of the located errors.
    const file = e.loc?.fileName ?? /^(\S+) fails to validate/.exec(e.rawMessage)?.[1] ?? '(unknown)';
    (errors[file] ??= []).push(e.message);
  }
  return { valid: result.valid, errors };
}

export async function validateAxl14(docs: Array<{ name: string; xml: string }>): Promise<XsdResult> {
  const dir = path.join(FIXTURES, 'axl-schema', '14.0');
  const soapXsd = readFileSync(path.join(dir, 'AXLSoap.xsd'), 'utf8');
  const enums = readFileSync(path.join(dir, 'AXLEnums.xsd'), 'utf8');
  return validate(docs, soapXsd, [{ fileName: 'AXLEnums.xsd', contents: enums }]);
}

/** The RisPort70 WSDL's <schema>, saved as a standalone XSD (the prefixes it uses are declared on wsdl:definitions). */
export function risportXsd(): string {
  const wsdl = readFileSync(path.join(FIXTURES, 'risport-schema', 'RISService70.wsdl'), 'utf8');
  const m = /<schema [\s\S]*?<\/schema>/.exec(wsdl);
  if (!m) throw new Error('no <schema> in RISService70.wsdl');
  return m[0].replace(
    '<schema ',
    '<schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:tns="http://schemas.cisco.com/ast/soap" ',
  );
}

export async function validateRisport(docs: Array<{ name: string; xml: string }>): Promise<XsdResult> {
  return validate(docs, risportXsd(), []);
}
