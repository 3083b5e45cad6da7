import type { AppContext } from './context.js';
import { randomBytes } from 'node:crypto';
import { newHandle, nowIso } from '../domain/handles.js';

/**
 * First start: create the IpsAdmin from IPS_ADMIN_EMAIL / IPS_ADMIN_PASSWORD.
 * Without a configured password one is generated and printed once, so a new
 * user can log in; it is never written anywhere else.
 */
export async function ensureAdmin(ctx: AppContext): Promise<{ created: boolean; generatedPassword?: string }> {
  const { users } = ctx.repositories;
  if (await users.findByEmail(ctx.config.admin.email)) return { created: false };
  if ((await users.countUsers()) > 0 && !ctx.config.admin.password) return { created: false };
  const generated = ctx.config.admin.password ? undefined : `Ips-${randomBytes(12).toString('base64url')}`;
  const password = ctx.config.admin.password ?? generated!;
  try {
    await users.insert(
      {
        user_handle: newHandle.user(ctx.config.admin.email),
        email: ctx.config.admin.email,
        first_name: 'IPS',
        last_name: 'Administrator',
        password_hash: await ctx.hasher.hash(password),
        password_expires: null,
        is_valid: 1,
        is_ips_admin: 1,
        created_at: nowIso(),
      },
      [],
    );
  } catch (err) {
    // The API and the worker may start together; whoever loses the race finds the admin there.
    if (await users.findByEmail(ctx.config.admin.email)) return { created: false };
    throw err;
  }
  return { created: true, generatedPassword: generated };
}
