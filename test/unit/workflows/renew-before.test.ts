/** The expiry watch's renewal rule: max(30 days, a third of the lifetime) unless configured. */
import { renewalDue, renewBeforeMs } from '../../../workflows/expiry-watch';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T00:00:00.000Z');
const at = (days: number) => new Date(NOW + days * DAY).toISOString();

describe('renewBeforeMs / renewalDue', () => {
  it('a 3-year certificate: a third of its lifetime (365 days) wins, so 200 days left is due', () => {
    const notBefore = at(200 - 3 * 365);
    const notAfter = at(200);
    expect(renewBeforeMs(notBefore, notAfter)).toBe(365 * DAY);
    expect(renewalDue(notBefore, notAfter, NOW)).toBe(true);
    expect(renewalDue(at(400 - 3 * 365), at(400), NOW)).toBe(false);
  });

  it('a 60-day certificate: 30 days wins over a third (20 days), so 25 days left is due', () => {
    const notBefore = at(25 - 60);
    const notAfter = at(25);
    expect(renewBeforeMs(notBefore, notAfter)).toBe(30 * DAY);
    expect(renewalDue(notBefore, notAfter, NOW)).toBe(true);
    expect(renewalDue(at(35 - 60), at(35), NOW)).toBe(false);
  });

  it('a configured number of days overrides the default rule, in both directions', () => {
    const notBefore = at(200 - 3 * 365);
    expect(renewBeforeMs(notBefore, at(200), 90)).toBe(90 * DAY);
    expect(renewalDue(notBefore, at(200), NOW, 90)).toBe(false);
    expect(renewalDue(at(25 - 60), at(25), NOW, 10)).toBe(false);
    expect(renewalDue(at(25 - 60), at(25), NOW, 40)).toBe(true);
  });

  it('without a usable notBefore the lifetime is unknown and 30 days applies', () => {
    expect(renewBeforeMs(undefined, at(100))).toBe(30 * DAY);
    expect(renewBeforeMs('not a date', at(100))).toBe(30 * DAY);
    expect(renewalDue(undefined, at(29), NOW)).toBe(true);
    expect(renewalDue(undefined, at(31), NOW)).toBe(false);
  });
});
