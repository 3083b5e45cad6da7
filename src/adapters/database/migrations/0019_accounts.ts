import type { Kysely, Migration } from 'kysely';
import type { DatabaseKind } from '../database-kind.js';

/**
 * Accounts (docs/accounts.md): getCompanyMembers, the last-administrator check
 * and removeCompanyMembership without a user look memberships up by company;
 * the primary key (user_handle, company_handle) only serves lookups by user.
 */
export function accounts(kind: DatabaseKind): Migration {
  void kind;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('memberships_company_idx').on('memberships').columns(['company_handle', 'role']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('memberships_company_idx').execute();
    },
  };
}
