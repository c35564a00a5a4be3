/** Every production workflow, for the worker's bundle. */
export { rolloverWorkflow } from './rollover';
export { rolloutWaveWorkflow } from './rollout-wave';
export { registrationSweepWorkflow } from './registration-sweep';
export { expiryWatchWorkflow } from './expiry-watch';
export { doctorWorkflow } from './doctor';
