import { sql } from 'kysely';
import type { Db } from '../database/database.js';
import type { CompanyTable, MembershipTable, UserTable } from '../database/tables.js';

export type UserRow = UserTable;
export type MembershipRow = MembershipTable;
/** A membership with the company it is in (getCompanyMembership). */
export type MembershipWithCompany = MembershipRow & { company: CompanyTable };
/** A member of one company: the user and the membership's role and state. */
export type CompanyMemberRow = UserRow & { role: string; is_active: number };
/** What setUserInfo changes; a field left undefined keeps its value. */
export type UserUpdate = Partial<Pick<UserRow, 'first_name' | 'last_name' | 'email' | 'password_expires' | 'is_valid' | 'is_ips_admin'>>;

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

  /** The user's memberships, each with when its company expires (the expiry check at login). */
  memberships(userHandle: string): Promise<Array<MembershipRow & { company_expires: string | null }>> {
    return this.db
      .selectFrom('memberships')
      .innerJoin('companies', 'companies.company_handle', 'memberships.company_handle')
      .selectAll('memberships')
      .select('companies.expires as company_expires')
      .where('memberships.user_handle', '=', userHandle)
      .execute();
  }

  async addMembership(row: MembershipRow): Promise<void> {
    await this.db.insertInto('memberships').values(row).execute();
  }

  async membershipsWithCompany(userHandle: string): Promise<MembershipWithCompany[]> {
    const rows = await this.db
      .selectFrom('memberships')
      .innerJoin('companies', 'companies.company_handle', 'memberships.company_handle')
      .selectAll('companies')
      .select(['memberships.user_handle', 'memberships.role', 'memberships.is_active'])
      .where('memberships.user_handle', '=', userHandle)
      .orderBy('companies.name_key')
      .execute();
    return rows.map(({ user_handle, role, is_active, ...company }) => ({ user_handle, company_handle: company.company_handle, role, is_active, company }));
  }

  /** The members of one company, by e-mail (memberships_company_idx finds them). */
  companyMembers(companyHandle: string, opts: { includeInvalid: boolean; includeInactive: boolean }): Promise<CompanyMemberRow[]> {
    let q = this.db
      .selectFrom('memberships')
      .innerJoin('users', 'users.user_handle', 'memberships.user_handle')
      .selectAll('users')
      .select(['memberships.role', 'memberships.is_active'])
      .where('memberships.company_handle', '=', companyHandle);
    if (!opts.includeInvalid) q = q.where('users.is_valid', '=', 1);
    if (!opts.includeInactive) q = q.where('memberships.is_active', '=', 1);
    return q.orderBy('users.email').orderBy('users.user_handle').execute();
  }

  /** Valid users with an active membership in `roles` at the company: who can still administer it. */
  async activeMembersWithRoles(companyHandle: string, roles: readonly string[]): Promise<string[]> {
    const rows = await this.db
      .selectFrom('memberships')
      .innerJoin('users', 'users.user_handle', 'memberships.user_handle')
      .select('memberships.user_handle')
      .where('memberships.company_handle', '=', companyHandle)
      .where('memberships.is_active', '=', 1)
      .where('users.is_valid', '=', 1)
      .where('memberships.role', 'in', [...roles])
      .execute();
    return rows.map((r) => r.user_handle);
  }

  /** Every member of the companies (removeCompanyMembership without a user). */
  async membersOf(companyHandles: readonly string[]): Promise<MembershipRow[]> {
    if (companyHandles.length === 0) return [];
    return this.db
      .selectFrom('memberships')
      .selectAll()
      .where('company_handle', 'in', [...companyHandles])
      .execute();
  }

  async updateUser(userHandle: string, update: UserUpdate): Promise<void> {
    if (Object.keys(update).length === 0) return;
    await this.db.updateTable('users').set(update).where('user_handle', '=', userHandle).execute();
  }

  /** Writes memberships (a row per company: inserted, or its role and state replaced) and removes others, in one transaction. */
  async changeMemberships(changes: {
    upsert: readonly MembershipRow[];
    remove: ReadonlyArray<Pick<MembershipRow, 'user_handle' | 'company_handle'>>;
  }): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      for (const row of changes.upsert) {
        await tx
          .insertInto('memberships')
          .values(row)
          .onConflict((oc) =>
            oc.columns(['user_handle', 'company_handle']).doUpdateSet((eb) => ({ role: eb.ref('excluded.role'), is_active: eb.ref('excluded.is_active') })),
          )
          .execute();
      }
      for (const r of changes.remove) {
        await tx.deleteFrom('memberships').where('user_handle', '=', r.user_handle).where('company_handle', '=', r.company_handle).execute();
      }
    });
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
