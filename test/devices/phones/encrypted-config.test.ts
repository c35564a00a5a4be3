/**
 * Phones whose security profile encrypts their config: TFTP verification cannot read the hash (the plain file is a
 * stub), yet the phone itself decrypts `SEP<MAC>.cnf.xml.enc.sgn` with its key and registers.
 */
import { createPhoneActivities, VerifyPhoneConfigsResult } from '../../../activities/phones';
import { startLab } from '../../../lab';
import { generatePhoneSpecs } from '../../../lab/cucm';
import { resolveSecret } from '../../../worker/secrets';
import { MockActivityEnvironment } from '@temporalio/testing';

describe('encrypted phone configs', () => {
  it('the phone decrypts and registers; the verifier reports "encrypted", never a false mismatch', async () => {
    const phones = generatePhoneSpecs(4, { commonPhoneConfigName: 'VPN-CPP' }).map((p, i) => ({
      ...p,
      encryptedConfig: i < 2,
    }));
    const lab = await startLab({ phones: 4, cucm: { phones } });
    try {
      const state = lab.cucm.state().phones;
      expect(state.map((p) => p.status)).toEqual(['Registered', 'Registered', 'Registered', 'Registered']);
      const presented = lab.cucm.state().trust[0].sha1Base64;
      for (const p of phones.slice(0, 2)) expect(lab.fleet.phone(p.name).lastHandshakeSha1).toBe(presented);

      const activities = createPhoneActivities({ inventory: lab.inventory, resolveSecret: (r) => resolveSecret(r) });
      const env = new MockActivityEnvironment();
      const r: VerifyPhoneConfigsResult = await env.run(activities.verifyPhoneConfigs, {
        cluster: lab.names.cluster,
        names: phones.map((p) => p.name),
        expectedHash: presented,
      });
      expect(r.results.map((x) => x.state)).toEqual(['encrypted', 'encrypted', 'verified', 'verified']);
    } finally {
      await lab.close();
    }
  });
});
