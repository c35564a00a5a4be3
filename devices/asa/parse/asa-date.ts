/**
 * Dates as the ASA prints them in certificate output: `22:18:15 UTC Jun 20 2022`, `20:00:00 EDT Sep 12 2017`
 * (day not zero-padded, zone = the ASA's clock zone). An ISO value is only given when the zone is unambiguous.
 */
export interface AsaDate {
  /** Exactly as printed. */
  text: string;
  /** ISO 8601 UTC when the zone abbreviation is known, else undefined (use the certificate's own dates). */
  iso?: string;
}

/** Offsets in minutes for zone names that mean one thing; "CST"/"IST" are ambiguous and deliberately absent. */
const ZONES: Record<string, number> = {
  UTC: 0,
  GMT: 0,
  Z: 0,
  EST: -300,
  EDT: -240,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  CET: 60,
  CEST: 120,
  EET: 120,
  EEST: 180,
  BST: 60,
  JST: 540,
  KST: 540,
  AEST: 600,
  AEDT: 660,
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DATE = /^(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?\s+(\S+)\s+([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{4})$/;

export function parseAsaDate(text: string): AsaDate {
  const trimmed = text.trim();
  const m = DATE.exec(trimmed);
  if (!m) return { text: trimmed };
  const offset = ZONES[m[4].toUpperCase()];
  const month = MONTHS.indexOf(m[5]);
  if (offset === undefined || month < 0) return { text: trimmed };
  const utc = Date.UTC(+m[7], month, +m[6], +m[1], +m[2], +m[3]) - offset * 60_000;
  return { text: trimmed, iso: new Date(utc).toISOString() };
}

/** Render a date the way the ASA does (UTC clock), for the lab. */
export function formatAsaDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} UTC ` +
    `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()} ${date.getUTCFullYear()}`
  );
}
