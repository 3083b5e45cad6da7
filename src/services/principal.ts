import type { Role } from '../domain/roles.js';

/** The authenticated caller, with the company memberships that decide what it may do. */
export interface Principal {
  userHandle: string;
  email: string;
  isIpsAdmin: boolean;
  memberships: ReadonlyArray<{ companyHandle: string; role: Role; isActive: boolean }>;
}
