/** The search attributes the rollover upserts; the dev-server launcher and `certroll setup` register the same list. */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CertrollAsa = defineSearchAttributeKey('CertrollAsa', SearchAttributeType.KEYWORD);
export const CertrollGateway = defineSearchAttributeKey('CertrollGateway', SearchAttributeType.KEYWORD);
export const CertrollPhase = defineSearchAttributeKey('CertrollPhase', SearchAttributeType.KEYWORD);
export const CertrollNotAfter = defineSearchAttributeKey('CertrollNotAfter', SearchAttributeType.DATETIME);

export const certrollSearchAttributes = [CertrollAsa, CertrollGateway, CertrollPhase, CertrollNotAfter];
