import { z } from 'zod';
import { PolicyIdField, PolicyVersionSchema } from '../../rules/policy-schema';

// Policy versions (issue 10): one schema for a version, shared with the workflow and the seeds.

export const PolicyParams = z.strictObject({ policyId: PolicyIdField });

export const AddPolicyVersionRequest = PolicyVersionSchema;
