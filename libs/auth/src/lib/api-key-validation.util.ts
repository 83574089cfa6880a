import { JOB_PRIORITIES, isValidTenant } from '@riptide/queue';
import { ApiKeyInput } from './api-key.interface';
import { SCOPES } from './auth.constants';
import { AuthMessages } from './auth.messages';

const MAX_NAME_LENGTH = 200;
const LIMIT_CEILINGS = {
  rateLimitPerSec: 1_000_000,
  burst: 1_000_000,
  maxActiveJobs: 100_000_000,
  maxSchedules: 1_000_000,
} as const;

/** Every problem of a key definition (empty = valid); `fieldName` maps camelCase names for messages. */
export function validateApiKeyInput(
  input: ApiKeyInput,
  fieldName: (field: string) => string = (field) => field,
): string[] {
  const problems: string[] = [];
  if (typeof input.name !== 'string' || !input.name.trim() || input.name.length > MAX_NAME_LENGTH)
    problems.push(AuthMessages.nameInvalid);
  if (typeof input.tenant !== 'string' || !isValidTenant(input.tenant))
    problems.push(AuthMessages.tenantInvalid);
  if (
    !Array.isArray(input.scopes) ||
    !input.scopes.length ||
    input.scopes.some((scope) => !SCOPES.includes(scope))
  )
    problems.push(AuthMessages.scopesInvalid);
  for (const [field, max] of Object.entries(LIMIT_CEILINGS)) {
    const value = input[field as keyof typeof LIMIT_CEILINGS];
    if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > max))
      problems.push(AuthMessages.positiveInteger(fieldName(field), max));
  }
  if (input.maxPriority !== undefined && !JOB_PRIORITIES.includes(input.maxPriority))
    problems.push(AuthMessages.priorityInvalid);
  return problems;
}
