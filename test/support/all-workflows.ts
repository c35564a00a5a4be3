/** The test bundle: every production workflow plus the test-only ones. */
export * from '../../workflows';
export * from '../workflows/gate-demo-workflow';
