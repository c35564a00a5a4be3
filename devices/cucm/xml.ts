/**
 * XML helpers shared by the AXL and RisPort clients and the CUCM lab: escaping for request text, one parser
 * configuration (namespace prefixes dropped, values kept as strings), and small accessors for parsed nodes.
 */
import { XMLParser } from 'fast-xml-parser';
import { InvalidInput } from '../errors';

/** True when the text has a C0/C1 control character (tab, CR and LF included): never valid in a name. */
export function hasControlChars(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c < 0xa0)) return true;
  }
  return false;
}

/** XML 1.0 forbids most C0 control characters even when escaped (tab, CR and LF are allowed). */
function hasXmlForbiddenChars(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffe || c === 0xffff) return true;
  }
  return false;
}

/** Escape text for an element body or a double-quoted attribute. */
export function escapeXml(value: string): string {
  if (hasXmlForbiddenChars(value)) throw new InvalidInput('text contains characters XML cannot carry');
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** `<name>escaped text</name>`. */
export function element(name: string, value: string | number | boolean): string {
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
});

/** Parse a SOAP or config document. DTDs are refused: SOAP forbids them and they are an entity-expansion risk. */
export function parseXml(xml: string): XmlNode {
  if (/<!DOCTYPE/i.test(xml)) throw new InvalidInput('XML with a DOCTYPE is not accepted');
  return parser.parse(xml) as XmlNode;
}

/** The text of an element whatever its shape (`<a/>`, `<a>x</a>`, `<a uuid="…">x</a>`). */
export function text(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (typeof node === 'object' && '#text' in (node as XmlNode)) return String((node as XmlNode)['#text']);
  return '';
}

export function attr(node: unknown, name: string): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const value = (node as XmlNode)[`@_${name}`];
  return value === undefined ? undefined : String(value);
}

/** The parser returns one child as an object and several as an array; callers always get an array. */
export function asArray<T = XmlNode>(node: unknown): T[] {
  if (node === undefined || node === null || node === '') return [];
  return (Array.isArray(node) ? node : [node]) as T[];
}

export function child(node: unknown, name: string): unknown {
  if (!node || typeof node !== 'object') return undefined;
  return (node as XmlNode)[name];
}

/** Follow a path of element names; undefined as soon as one is missing. */
export function path(node: unknown, ...names: string[]): unknown {
  let current = node;
  for (const name of names) current = child(current, name);
  return current;
}

/** `xsi:nil="true"` (or "1"): an explicitly empty element, e.g. RisPort's CmNodes with no results. */
export function isNil(node: unknown): boolean {
  const nil = attr(node, 'nil');
  return nil === 'true' || nil === '1';
}
