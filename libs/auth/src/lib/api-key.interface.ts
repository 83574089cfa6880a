import type { JobPriority } from '@riptide/queue';
import type { Scope } from './auth.constants';

/** Per-key abuse limits; absent fields take the operator's defaults. */
export interface KeyLimits {
  rateLimitPerSec?: number;
  burst?: number;
  maxActiveJobs?: number;
  maxSchedules?: number;
  maxPriority?: JobPriority;
}

/** What creating a key takes. */
export interface ApiKeyInput extends KeyLimits {
  name: string;
  tenant: string;
  scopes: Scope[];
}

/** A key as stored and shown: never the secret, only its first characters. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  tenant: string;
  scopes: Scope[];
  keyPrefix: string;
  createdAt: Date;
  limits: KeyLimits;
}

/** The answer to a creation: the only time the secret is ever shown. */
export interface CreatedApiKey extends ApiKeyRecord {
  key: string;
}
