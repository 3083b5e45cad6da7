import { sql } from 'kysely';
import type { Db } from '../database/database.js';
import type { MembershipTable, UserTable } from '../database/tables.js';

export type UserRow = UserTable;
export type MembershipRow = MembershipTable;

export interface UserFilter {
  includeInvalid: boolean;
  includeInactive: boolean;
  /** restrict to members of these companies; undefined = everyone */
  companyHandles?: readonly string[];
  roles?: readonly string[];
  charFilter?: { field: 'first_name' | 'last_name' | 'email'; mode: 'prefix' | 'suffix'; text: string };
  /** `role`: the role of the membership listed (users of one company) */
  sortBy?: 'first_name' | 'last_name' | 'email' | 'is_valid' | 'password_expires' | 'role';
  limit: number;
  offset: number;
}

export class UserRepository {
  constructor(private readonly db: Db) {}

  async insert(user: UserRow, memberships: readonly MembershipRow[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('users').values(user).execute();
      if (memberships.length)
        await tx
          .insertInto('memberships')
          .values([...memberships])
          .execute();
    });
  }

  findByEmail(email: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
  }

  findByHandle(handle: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('user_handle', '=', handle).executeTakeFirst();
  }

  memberships(userHandle: string): Promise<MembershipRow[]> {
    return this.db.selectFrom('memberships').selectAll().where('user_handle', '=', userHandle).execute();
  }

  async addMembership(row: MembershipRow): Promise<void> {
    await this.db.insertInto('memberships').values(row).execute();
  }

  async setPassword(userHandle: string, hash: string, expires: string | null): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: hash, password_expires: expires }).where('user_handle', '=', userHandle).execute();
  }

  async countUsers(): Promise<number> {
    const r = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Users with the membership rows that matched the filter (role shown per company). */
  async list(filter: UserFilter): Promise<Array<UserRow & { role: string | null }>> {
    let q = this.db
      .selectFrom('users')
      .leftJoin('memberships', 'memberships.user_handle', 'users.user_handle')
      .selectAll('users')
      .select((eb) => eb.fn.min('memberships.role').as('role'))
      .groupBy([
        'users.user_handle',
        'users.email',
        'users.first_name',
        'users.last_name',
        'users.password_hash',
        'users.password_expires',
        'users.is_valid',
        'users.is_ips_admin',
        'users.created_at',
      ]);
    if (!filter.includeInvalid) q = q.where('users.is_valid', '=', 1);
    if (filter.companyHandles) {
      if (filter.companyHandles.length === 0) return [];
      q = q.where('memberships.company_handle', 'in', filter.companyHandles);
    }
    // Inactive memberships count for nothing unless asked for; a user without any membership (a global IpsAdmin) stays listed.
    if (!filter.includeInactive) q = q.where((eb) => eb.or([eb('memberships.is_active', '=', 1), eb('memberships.user_handle', 'is', null)]));
    if (filter.roles?.length) q = q.where('memberships.role', 'in', filter.roles);
    if (filter.charFilter) {
      const { field, mode, text } = filter.charFilter;
      const literal = text.toLowerCase().replace(/[!%_]/g, (ch) => `!${ch}`);
      const pattern = mode === 'prefix' ? `${literal}%` : `%${literal}`;
      q = q.where(sql<boolean>`lower(${sql.ref(`users.${field}`)}) like ${pattern} escape '!'`);
    }
    q = (filter.sortBy === 'role' ? q.orderBy('role') : q.orderBy(`users.${filter.sortBy ?? 'email'}`)).orderBy('users.user_handle');
    const rows = await q.limit(filter.limit).offset(filter.offset).execute();
    return rows.map((r) => ({ ...r, role: r.role ?? null }));
  }
}
