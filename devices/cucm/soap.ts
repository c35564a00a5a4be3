/**
 * SOAP 1.1 envelopes as CUCM's AXL and RisPort70 speak them: a request envelope around one body element, and a
 * response reader that returns either the body's first element or the Fault (faultcode, faultstring, detail).
 */
import { CucmProtocolError } from './errors';
import { asArray, parseXml, path, text, XmlNode } from './xml';

export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

/** Wrap one body element; `namespaces` are declared on the Envelope as SoapUI and zeep clients do. */
export function soapEnvelope(body: string, namespaces: Record<string, string>): string {
  const decls = Object.entries(namespaces)
    .map(([prefix, uri]) => ` xmlns:${prefix}="${uri}"`)
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV_NS}"${decls}><soapenv:Header/>` +
    `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`
  );
}

export interface SoapFault {
  faultCode: string;
  faultString: string;
  detail: XmlNode | undefined;
}

export type SoapResult =
  { fault: SoapFault; name?: undefined; body?: undefined } | { fault?: undefined; name: string; body: XmlNode };

/** Read a response envelope: the fault, or the body's first element with its local name. */
export function readSoapResponse(xml: string, status: number): SoapResult {
  let doc: XmlNode;
  try {
    doc = parseXml(xml);
  } catch (err) {
    throw new CucmProtocolError(`HTTP ${status}: response is not XML (${(err as Error).message})`, status);
  }
  const body = path(doc, 'Envelope', 'Body') as XmlNode | undefined;
  if (!body || typeof body !== 'object')
    throw new CucmProtocolError(`HTTP ${status}: no SOAP Body in the response`, status);
  const fault = body.Fault as XmlNode | undefined;
  if (fault) {
    return {
      fault: {
        faultCode: text(fault.faultcode),
        faultString: text(fault.faultstring),
        detail: typeof fault.detail === 'object' ? (fault.detail as XmlNode) : undefined,
      },
    };
  }
  const name = Object.keys(body).find((k) => !k.startsWith('@_') && k !== '#text');
  if (!name) throw new CucmProtocolError(`HTTP ${status}: empty SOAP Body`, status);
  const first = asArray<XmlNode>(body[name])[0];
  return { name, body: typeof first === 'object' ? first : ({ '#text': first } as XmlNode) };
}
