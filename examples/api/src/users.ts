/**
 * The example's own users: e-mail, password hash (PHC string from @infra/auth), roles and the TOTP secret.
 * In memory by default; with DATABASE_URL a small table of the example's, created at start-up. Tokens,
 * sessions, TOTP replay steps and recovery codes are not here: @infra/auth keeps those in its own stores.
 */
import { randomUUID } from 'node:crypto';
import { HttpError } from '@infra/http-status';
import type pg from 'pg';

export interface User {
  id: string;
  email: string;
  passwordHash: string;
  roles: string[];
  /** The confirmed TOTP secret; two-factor login is on when set. */
  totpSecret: string | undefined;
  /** A secret enrolled but not yet confirmed with a code. */
  totpPending: string | undefined;
  createdAt: Date;
}

export type NewUser = Pick<User, 'email' | 'passwordHash' | 'roles'>;
export type UserPatch = Partial<Pick<User, 'passwordHash' | 'totpSecret' | 'totpPending'>>;

export interface UserStore {
  /** Creates a user; a 409 problem when the e-mail is taken. */
  create(user: NewUser): Promise<User>;
  byEmail(email: string): Promise<User | undefined>;
  byId(id: string): Promise<User | undefined>;
  update(id: string, patch: UserPatch): Promise<void>;
  count(): Promise<number>;
}

const taken = () => HttpError.conflict('An account with this e-mail exists already');

/** Users in this process. */
export function memoryUsers(): UserStore {
  const byId = new Map<string, User>();
  const idByEmail = new Map<string, string>();
  return {
    async create(input) {
      if (idByEmail.has(input.email)) throw taken();
      const user: User = {
        id: randomUUID(),
        ...input,
        totpSecret: undefined,
        totpPending: undefined,
        createdAt: new Date(),
      };
      byId.set(user.id, user);
      idByEmail.set(user.email, user.id);
      return { ...user };
    },
    async byEmail(email) {
      const id = idByEmail.get(email);
      const user = id === undefined ? undefined : byId.get(id);
      return user && { ...user };
    },
    async byId(id) {
      const user = byId.get(id);
      return user && { ...user };
    },
    async update(id, patch) {
      const user = byId.get(id);
      if (user) Object.assign(user, patch);
    },
    async count() {
      return byId.size;
    },
  };
}

interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  roles: string[];
  totp_secret: string | null;
  totp_pending: string | null;
  created_at: Date;
}

const fromRow = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  passwordHash: row.password_hash,
  roles: row.roles,
  totpSecret: row.totp_secret ?? undefined,
  totpPending: row.totp_pending ?? undefined,
  createdAt: row.created_at,
});

/** Creates the users table when missing; safe from several instances at once (an advisory lock). */
export async function migrateUsers(pool: pg.Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock(hashtext('example-api:users'))");
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`CREATE TABLE IF NOT EXISTS "${schema}".example_users (
      id text PRIMARY KEY,
      email text NOT NULL UNIQUE,
      password_hash text NOT NULL,
      roles text[] NOT NULL DEFAULT '{}',
      totp_secret text,
      totp_pending text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtext('example-api:users'))").catch(() => {});
    client.release();
  }
}

/** Users in PostgreSQL (`<schema>.example_users`). */
export function postgresUsers(pool: pg.Pool, schema: string): UserStore {
  const table = `"${schema}".example_users`;
  return {
    async create(input) {
      try {
        const { rows } = await pool.query<UserRow>(
          `INSERT INTO ${table} (id, email, password_hash, roles) VALUES ($1, $2, $3, $4) RETURNING *`,
          [randomUUID(), input.email, input.passwordHash, input.roles],
        );
        return fromRow(rows[0] as UserRow);
      } catch (error) {
        if ((error as { code?: string }).code === '23505') throw taken();
        throw error;
      }
    },
    async byEmail(email) {
      const { rows } = await pool.query<UserRow>(`SELECT * FROM ${table} WHERE email = $1`, [email]);
      return rows[0] && fromRow(rows[0]);
    },
    async byId(id) {
      const { rows } = await pool.query<UserRow>(`SELECT * FROM ${table} WHERE id = $1`, [id]);
      return rows[0] && fromRow(rows[0]);
    },
    async update(id, patch) {
      const columns = {
        passwordHash: 'password_hash',
        totpSecret: 'totp_secret',
        totpPending: 'totp_pending',
      } as const;
      const sets: string[] = [];
      const values: unknown[] = [id];
      for (const [field, column] of Object.entries(columns)) {
        if (!(field in patch)) continue;
        values.push(patch[field as keyof UserPatch] ?? null);
        sets.push(`${column} = $${values.length}`);
      }
      if (sets.length > 0) await pool.query(`UPDATE ${table} SET ${sets.join(', ')} WHERE id = $1`, values);
    },
    async count() {
      const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
      return Number(rows[0]?.n ?? 0);
    },
  };
}
