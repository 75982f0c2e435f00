/**
 * The policy pack: `pulumi preview --policy-pack policy` (or `pulumi up --policy-pack policy`). Pulumi's
 * runner reaches this module through index.cjs; the rules live in policies.ts so that tests can call them
 * without starting the policy server.
 */
import { PolicyPack } from '@pulumi/policy';
import { pipelinePolicies } from './policies.js';

new PolicyPack('ordered-event-pipeline', { policies: pipelinePolicies, enforcementLevel: 'mandatory' });
