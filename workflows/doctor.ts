/**
 * The doctor: every check of the TAC troubleshooting guide, read-only, one finding per check with its evidence and
 * fix. Reads the ASA (SSH and TLS probes), CUCM (AXL/certmgr) and phone configs (TFTP), then judges.
 */
import { isCancellation, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { DoctorActivities, DoctorFacts, DoctorReport, PresentedCert } from '../activities/doctor';
import { asaActivities, axlActivities, tftpActivities } from './proxies';
import { failureOf } from './failures';
import { trustedHash } from './trusted-hash';

export interface DoctorInput {
  asa: string;
  cluster: string;
  gateway: string;
  /** Read every phone's config instead of a sample. */
  allPhones?: boolean;
  sampleSize?: number;
}

const PAGE = 500;
const ICON = { blocker: '⛔', warn: '⚠️', info: 'ℹ️', ok: '✅' } as const;

export function doctorMarkdown(r: DoctorReport): string {
  const lines = [
    `### certroll doctor: ${r.asa} / ${r.gateway ?? '?'}`,
    '',
    `${r.counts.blocker} blocker(s), ${r.counts.warn} warning(s)`,
    '',
    '| | Check | Finding | Fix |',
    '|---|---|---|---|',
  ];
  for (const f of r.findings)
    lines.push(
      `| ${ICON[f.severity]} | ${f.title} | ${f.message.replace(/\|/g, '\\|')} | ${(f.fix ?? '').replace(/\n/g, ' / ').replace(/\|/g, '\\|')} |`,
    );
  return lines.join('\n');
}

async function readConfigs(
  input: DoctorInput,
  commonPhoneProfiles: string[],
  expectedHash: string,
): Promise<DoctorFacts['configs']> {
  const axl = axlActivities(input.cluster);
  const tftp = tftpActivities(input.cluster);
  const total = input.allPhones
    ? await axl.countScopePhones.executeWithOptions({ summary: 'count phones in scope' }, [
        { cluster: input.cluster, commonPhoneProfiles },
      ])
    : (input.sampleSize ?? 20);
  const out = { checked: 0, verified: 0, stale: 0, encrypted: 0, other: 0, examples: [] as string[] };
  for (let offset = 0; offset < total; offset += PAGE) {
    const names = await axl.listScopePhonesPage.executeWithOptions({ summary: `list phones ${offset + 1}…` }, [
      { cluster: input.cluster, commonPhoneProfiles, offset, limit: Math.min(PAGE, total - offset) },
    ]);
    if (names.length === 0) break;
    const r = await tftp.verifyPhoneConfigs.executeWithOptions(
      { summary: `read ${names.length} phone configs over TFTP` },
      [{ cluster: input.cluster, names, expectedHash, deadline: new Date().toISOString() }],
    );
    out.checked += names.length;
    out.verified += r.counts.verified;
    out.stale += r.counts.stale;
    out.encrypted += r.counts.encrypted;
    out.other += r.counts.missing + r.counts.unreadable + r.counts.error;
    for (const p of r.results)
      if (p.state !== 'verified' && p.state !== 'encrypted' && out.examples.length < 5)
        out.examples.push(`${p.name}: ${p.state}${p.detail ? ` (${p.detail})` : ''}`);
  }
  return out;
}

export async function doctorWorkflow(input: DoctorInput): Promise<DoctorReport> {
  const asa = asaActivities(input.asa);
  const axl = axlActivities(input.cluster);
  const local = proxyActivities<DoctorActivities>({
    taskQueue: workflowInfo().taskQueue,
    startToCloseTimeout: '1 minute',
  });
  const asaState = await asa.readAsaState.executeWithOptions({ summary: `read ${input.asa} (read-only)` }, [
    { asa: input.asa },
  ]);
  const probe = async (as: 'phone' | 'ec'): Promise<{ presented?: PresentedCert; error?: string }> => {
    try {
      const r = await asa.probeTls.executeWithOptions(
        { summary: `TLS handshake with ${input.asa} as ${as === 'phone' ? 'a phone' : 'an EC client'}` },
        [{ asa: input.asa, as }],
      );
      const { pem: _pem, ...presented } = r.presented;
      return { presented };
    } catch (err) {
      if (isCancellation(err)) throw err;
      return { error: failureOf(err).message };
    }
  };
  const phoneProbe = await probe('phone');
  const ecProbe = await probe('ec');
  let cucm: DoctorFacts['cucm'];
  try {
    cucm = {
      state: await axl.readCucmState.executeWithOptions({ summary: `read CUCM ${input.cluster} VPN configuration` }, [
        { cluster: input.cluster, gateway: input.gateway },
      ]),
    };
  } catch (err) {
    if (isCancellation(err)) throw err;
    cucm = { error: failureOf(err) };
  }
  const configs =
    cucm.state && phoneProbe.presented
      ? await readConfigs(
          input,
          cucm.state.commonPhoneProfiles.map((c) => c.name),
          trustedHash(cucm.state, phoneProbe.presented),
        )
      : undefined;
  const report = await local.assessDoctor.executeWithOptions({ summary: 'judge every check of the TAC guide' }, [
    { now: new Date().toISOString(), asaName: input.asa, asa: asaState, phoneProbe, ecProbe, cucm, configs },
  ]);
  setCurrentDetails(doctorMarkdown(report));
  return report;
}
