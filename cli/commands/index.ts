/** Every CLI verb, one file each. Add a new verb here. */
import { Command } from 'commander';
import { registerDevServer } from './dev-server';
import { registerDecide } from './decide';
import { registerDemo } from './demo';
import { registerDoctor } from './doctor';
import { registerHash } from './hash';
import { registerInventory } from './inventory';
import { registerLab } from './lab';
import { registerObserve } from './observe';
import { registerParse } from './parse';
import { registerPhoneConfig } from './phone-config';
import { registerProbe } from './probe';
import { registerSchedule } from './schedule';
import { registerStart } from './start';
import { registerTftp } from './tftp';
import { registerWorker } from './worker';

export function registerCommands(program: Command): void {
  registerInventory(program);
  registerDevServer(program);
  registerWorker(program);
  registerStart(program);
  registerObserve(program);
  registerDecide(program);
  registerSchedule(program);
  registerLab(program);
  registerDemo(program);
  registerDoctor(program);
  registerTftp(program);
  registerPhoneConfig(program);
  registerHash(program);
  registerProbe(program);
  registerParse(program);
}
