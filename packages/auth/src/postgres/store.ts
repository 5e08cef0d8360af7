// The PostgreSQL store of `@infra/auth`. Rotation is one call of a PL/pgSQL function under the family's row
// lock (one round trip); other read-modify-writes are single conditional statements. At `time: 'server'` every
// decision reads `clock_timestamp()` in the statement, so app servers with skewed clocks agree.
import { invalidOption } from '../errors.ts';
import type {
  AuthStore,
  ClientMetadata,
  FamilyRecord,
  KeySet,
  RotateResult,
  SessionRecord,
  StoredKey,
} from '../store/contract.ts';
import { purgeSettings } from '../store/purge.ts';
import { type PostgresStoreOptions, settings, transaction } from './pool.ts';

/** `$n` as the decision time: the caller's at client time, the database's at server time. */
const at = (n: number) => `coalesce($${n}::bigint, floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint)`;

const familyColumns =
  'id, user_id, created_at, last_used_at, idle_expires_at, expires_at, revoked_at, revoked_reason, tokens, metadata';
// Rows deleted per statement by `purgeExpired`: short statements, short locks, however much has piled up.
const purgeBatch = 1_000;

const sessionColumns =
  'id, user_id, secret_hash, created_at, last_used_at, idle_expires_at, expires_at, metadata, data';

/**
 * A store on PostgreSQL; run `migrate({ pool, schema })` once first.
 *
 * @example await migrate({ pool }); const store = postgresStore({ pool })
 */
export function postgresStore(options: PostgresStoreOptions): AuthStore {
  const { pool, schema } = settings(options);
  const time = options.time ?? 'server';
  if (time !== 'server' && time !== 'client') throw invalidOption('time', "expected 'server' or 'client'");
  const clientTime = time === 'client';
  const t = (name: string) => `"${schema}".${name}`;
  const nowParam = (now: number) => (clientTime ? now : null);

  const liveFamily = `revoked_at IS NULL AND ${at(2)} < expires_at AND ${at(2)} < idle_expires_at`;

  return {
    kind: 'postgres',

    createFamily: (input) =>
      transaction(pool, async (client) => {
        // One login at a time per user, so the cap counts every family exactly once.
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`@infra/auth:user:${input.userId}`]);
        await client.query(
          `WITH clock AS (SELECT ${at(7)} AS now),
           family AS (
             INSERT INTO ${t('auth_refresh_families')} (id, user_id, created_at, last_used_at, idle_expires_at, expires_at, metadata)
             SELECT $1, $2, now, now, least(now + $4, now + $5), now + $5, $6 FROM clock RETURNING id
           )
           INSERT INTO ${t('auth_refresh_tokens')} (hash, family_id) SELECT $3, id FROM family`,
          [
            input.id,
            input.userId,
            input.tokenHash,
            input.idleTtl,
            input.absoluteTtl,
            JSON.stringify(input.metadata),
            nowParam(input.now),
          ],
        );
        const { rows } = await client.query(
          `UPDATE ${t('auth_refresh_families')} SET revoked_at = ${at(2)}, revoked_reason = 'evicted'
           WHERE id IN (
             SELECT id FROM ${t('auth_refresh_families')} WHERE user_id = $1 AND ${liveFamily}
             ORDER BY created_at DESC, seq DESC OFFSET $3
           ) RETURNING id`,
          [input.userId, nowParam(input.now), input.maxFamilies],
        );
        return { evicted: rows.map((r) => (r as { id: string }).id) };
      }),

    async rotate(request): Promise<RotateResult> {
      const { rows } = await pool.query(`SELECT * FROM ${t('auth_refresh_rotate')}($1, $2, $3, $4, $5, $6, $7)`, [
        request.familyId,
        request.tokenHash,
        request.nextHash,
        request.sealedNext,
        request.grace,
        request.idleTtl,
        nowParam(request.now),
      ]);
      const row = rows[0] as Record<string, unknown>;
      const outcome = row.o_outcome as RotateResult['outcome'];
      if (outcome === 'unknown') return { outcome };
      const family = toFamily(row, 'o_');
      if (outcome === 'grace') return { outcome, family, sealedNext: row.o_sealed as string };
      return { outcome, family };
    },

    async getFamily(familyId) {
      const { rows } = await pool.query(`SELECT ${familyColumns} FROM ${t('auth_refresh_families')} WHERE id = $1`, [
        familyId,
      ]);
      return rows.length === 0 ? null : toFamily(rows[0] as Record<string, unknown>, '');
    },

    async listFamilies(userId, now) {
      const { rows } = await pool.query(
        `SELECT ${familyColumns} FROM ${t('auth_refresh_families')} WHERE user_id = $1 AND ${liveFamily} ORDER BY created_at, seq`,
        [userId, nowParam(now)],
      );
      return rows.map((r) => toFamily(r as Record<string, unknown>, ''));
    },

    async revokeFamily(familyId, reason, now, tokenHash) {
      const { rowCount } = await pool.query(
        `UPDATE ${t('auth_refresh_families')} f SET revoked_at = ${at(3)}, revoked_reason = $2
         WHERE f.id = $1 AND f.revoked_at IS NULL
           AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM ${t('auth_refresh_tokens')} WHERE hash = $4 AND family_id = f.id))`,
        [familyId, reason, nowParam(now), tokenHash ?? null],
      );
      return rowCount === 1;
    },

    async revokeUserFamilies(userId, reason, now) {
      const { rows } = await pool.query(
        `UPDATE ${t('auth_refresh_families')} SET revoked_at = ${at(2)}, revoked_reason = $3
         WHERE user_id = $1 AND ${liveFamily} RETURNING id`,
        [userId, nowParam(now), reason],
      );
      return rows.map((r) => (r as { id: string }).id);
    },

    async denyToken(userId, jti, expiresAt, now) {
      // Expired entries of the user go with each new one: the table holds live entries only, without a sweeper.
      await pool.query(
        `WITH swept AS (DELETE FROM ${t('auth_denied_tokens')} WHERE user_id = $1 AND expires_at <= ${at(4)})
         INSERT INTO ${t('auth_denied_tokens')} (user_id, jti, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, jti) DO UPDATE SET expires_at = greatest(${t('auth_denied_tokens')}.expires_at, EXCLUDED.expires_at)`,
        [userId, jti, expiresAt, nowParam(now)],
      );
    },

    async setNotBefore(userId, notBefore, ttl) {
      await pool.query(
        `INSERT INTO ${t('auth_user_cutoffs')} (user_id, not_before, keep_until) VALUES ($1, $2::bigint, $2::bigint * 1000 + $3::bigint)
         ON CONFLICT (user_id) DO UPDATE SET
           not_before = greatest(${t('auth_user_cutoffs')}.not_before, EXCLUDED.not_before),
           keep_until = greatest(${t('auth_user_cutoffs')}.keep_until, EXCLUDED.keep_until)`,
        [userId, notBefore, ttl],
      );
    },

    async revocationState(userId, jti, now) {
      const { rows } = await pool.query(
        `SELECT
           EXISTS (SELECT 1 FROM ${t('auth_denied_tokens')} WHERE user_id = $1 AND jti = $2 AND expires_at > ${at(3)}) AS denied,
           (SELECT not_before FROM ${t('auth_user_cutoffs')} WHERE user_id = $1) AS not_before`,
        [userId, jti, nowParam(now)],
      );
      const row = rows[0] as { denied: boolean; not_before: string | null };
      return { denied: row.denied, notBefore: row.not_before === null ? null : Number(row.not_before) };
    },

    async createSession(input) {
      const { rows } = await pool.query(
        `WITH clock AS (SELECT ${at(8)} AS now)
         INSERT INTO ${t('auth_sessions')} (${sessionColumns})
         SELECT $1, $2, $3, now, now, least(now + $4, now + $5), now + $5, $6, $7 FROM clock
         RETURNING ${sessionColumns}`,
        [
          input.id,
          input.userId,
          input.secretHash,
          input.idleTimeout,
          input.absoluteTimeout,
          JSON.stringify(input.metadata),
          JSON.stringify(input.data),
          nowParam(input.now),
        ],
      );
      return toSession(rows[0] as Record<string, unknown>);
    },

    async readSession(id, now) {
      const { rows } = await pool.query(
        `SELECT ${sessionColumns} FROM ${t('auth_sessions')}
         WHERE id = $1 AND ${at(2)} < idle_expires_at AND ${at(2)} < expires_at`,
        [id, nowParam(now)],
      );
      return rows.length === 0 ? null : toSession(rows[0] as Record<string, unknown>);
    },

    async touchSession(id, idleTimeout, now) {
      const { rows } = await pool.query(
        `UPDATE ${t('auth_sessions')} SET last_used_at = ${at(2)}, idle_expires_at = least(${at(2)} + $3, expires_at)
         WHERE id = $1 AND ${at(2)} < idle_expires_at AND ${at(2)} < expires_at
         RETURNING ${sessionColumns}`,
        [id, nowParam(now), idleTimeout],
      );
      return rows.length === 0 ? null : toSession(rows[0] as Record<string, unknown>);
    },

    async rotateSession(oldId, next, idleTimeout, now) {
      // One statement: the old row goes and the new one comes, or neither.
      const { rows } = await pool.query(
        `WITH old AS (
           DELETE FROM ${t('auth_sessions')}
           WHERE id = $1 AND ${at(2)} < idle_expires_at AND ${at(2)} < expires_at
           RETURNING *
         )
         INSERT INTO ${t('auth_sessions')} (${sessionColumns})
         SELECT $3, user_id, $4, created_at, ${at(2)}, least(${at(2)} + $5, expires_at), expires_at, metadata, data FROM old
         RETURNING ${sessionColumns}`,
        [oldId, nowParam(now), next.id, next.secretHash, idleTimeout],
      );
      return rows.length === 0 ? null : toSession(rows[0] as Record<string, unknown>);
    },

    async deleteSession(id) {
      const { rowCount } = await pool.query(`DELETE FROM ${t('auth_sessions')} WHERE id = $1`, [id]);
      return rowCount === 1;
    },

    async listSessions(userId, now) {
      const { rows } = await pool.query(
        `SELECT ${sessionColumns} FROM ${t('auth_sessions')}
         WHERE user_id = $1 AND ${at(2)} < idle_expires_at AND ${at(2)} < expires_at ORDER BY created_at, id`,
        [userId, nowParam(now)],
      );
      return rows.map((r) => toSession(r as Record<string, unknown>));
    },

    async deleteUserSessions(userId) {
      const { rows } = await pool.query(`DELETE FROM ${t('auth_sessions')} WHERE user_id = $1 RETURNING id`, [userId]);
      return rows.map((r) => (r as { id: string }).id);
    },

    async readKeySet(): Promise<KeySet> {
      const { rows } = await pool.query(`SELECT version, keys FROM ${t('auth_key_set')} WHERE id = 1`);
      if (rows.length === 0) return { version: 0, keys: [] };
      const row = rows[0] as { version: number; keys: StoredKey[] };
      return { version: row.version, keys: row.keys };
    },

    async writeKeySet(expected, keys) {
      const document = JSON.stringify(keys);
      const { rowCount } =
        expected === 0
          ? await pool.query(
              `INSERT INTO ${t('auth_key_set')} (id, version, keys) VALUES (1, 1, $1) ON CONFLICT (id) DO NOTHING`,
              [document],
            )
          : await pool.query(
              `UPDATE ${t('auth_key_set')} SET version = version + 1, keys = $2 WHERE id = 1 AND version = $1`,
              [expected, document],
            );
      return rowCount === 1;
    },

    async purgeExpired(options) {
      const { limit, now } = purgeSettings(options);
      const decidedAt = clientTime ? (now ?? null) : null;
      // Each table by its key; SKIP LOCKED lets several instances purge at once without waiting on each other.
      // A family goes at its absolute end, revoked or not, so a replayed token is reuse until then; its tokens
      // go with it (ON DELETE CASCADE).
      const targets = [
        [t('auth_sessions'), 'id', `least(idle_expires_at, expires_at) <= ${at(1)}`],
        [t('auth_refresh_families'), 'id', `expires_at <= ${at(1)}`],
        [t('auth_denied_tokens'), 'user_id, jti', `expires_at <= ${at(1)}`],
        [t('auth_user_cutoffs'), 'user_id', `keep_until <= ${at(1)}`],
      ] as const;
      let removed = 0;
      for (const [table, key, expired] of targets) {
        for (;;) {
          const batch = Math.min(purgeBatch, limit - removed);
          if (batch <= 0) return removed;
          const { rowCount } = await pool.query(
            `DELETE FROM ${table} WHERE (${key}) IN (
               SELECT ${key} FROM ${table} WHERE ${expired} LIMIT $2 FOR UPDATE SKIP LOCKED
             )`,
            [decidedAt, batch],
          );
          removed += rowCount ?? 0;
          if ((rowCount ?? 0) < batch) break;
        }
      }
      return removed;
    },

    async close() {},
  };
}

const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));

function toFamily(row: Record<string, unknown>, p: string): FamilyRecord {
  return {
    id: row[`${p}id`] as string,
    userId: row[`${p}user_id`] as string,
    createdAt: Number(row[`${p}created_at`]),
    lastUsedAt: Number(row[`${p}last_used_at`]),
    idleExpiresAt: Number(row[`${p}idle_expires_at`]),
    expiresAt: Number(row[`${p}expires_at`]),
    revokedAt: num(row[`${p}revoked_at`]),
    revokedReason: (row[`${p}revoked_reason`] as string | null) ?? null,
    tokens: Number(row[`${p}tokens`]),
    metadata: (row[`${p}metadata`] ?? {}) as ClientMetadata,
  };
}

function toSession(row: Record<string, unknown>): SessionRecord {
  return {
    id: row.id as string,
    userId: row.user_id as string,
    secretHash: row.secret_hash as string,
    createdAt: Number(row.created_at),
    lastUsedAt: Number(row.last_used_at),
    idleExpiresAt: Number(row.idle_expires_at),
    expiresAt: Number(row.expires_at),
    metadata: (row.metadata ?? {}) as ClientMetadata,
    data: (row.data ?? {}) as Record<string, unknown>,
  };
}
