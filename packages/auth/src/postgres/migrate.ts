// The tables of the PostgreSQL store, created by `migrate({ pool, schema })`: versioned, idempotent, and safe
// from several instances at once (one transaction under an advisory lock per schema). Times are bigint
// milliseconds since the epoch, the same scale as the contract's.
import { type PostgresStoreOptions, settings, transaction } from './pool.ts';

/** The versions in order; a version is applied once and recorded in `auth_migrations`. */
function migrations(s: string): string[][] {
  return [
    [
      `CREATE TABLE "${s}".auth_refresh_families (
        id text PRIMARY KEY,
        user_id text NOT NULL,
        created_at bigint NOT NULL,
        last_used_at bigint NOT NULL,
        idle_expires_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        revoked_at bigint,
        revoked_reason text,
        tokens integer NOT NULL DEFAULT 1,
        metadata jsonb NOT NULL DEFAULT '{}',
        seq bigserial NOT NULL
      )`,
      `CREATE INDEX auth_refresh_families_user ON "${s}".auth_refresh_families (user_id, created_at, seq)`,
      `CREATE TABLE "${s}".auth_refresh_tokens (
        hash text PRIMARY KEY,
        family_id text NOT NULL REFERENCES "${s}".auth_refresh_families (id) ON DELETE CASCADE,
        rotated_at bigint,
        sealed_next text
      )`,
      `CREATE INDEX auth_refresh_tokens_family ON "${s}".auth_refresh_tokens (family_id)`,
      `CREATE TABLE "${s}".auth_denied_tokens (
        user_id text NOT NULL,
        jti text NOT NULL,
        expires_at bigint NOT NULL,
        PRIMARY KEY (user_id, jti)
      )`,
      `CREATE TABLE "${s}".auth_user_cutoffs (
        user_id text PRIMARY KEY,
        not_before bigint NOT NULL,
        keep_until bigint NOT NULL
      )`,
      `CREATE TABLE "${s}".auth_sessions (
        id text PRIMARY KEY,
        user_id text NOT NULL,
        secret_hash text NOT NULL,
        created_at bigint NOT NULL,
        last_used_at bigint NOT NULL,
        idle_expires_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        metadata jsonb NOT NULL DEFAULT '{}',
        data jsonb NOT NULL DEFAULT '{}'
      )`,
      `CREATE INDEX auth_sessions_user ON "${s}".auth_sessions (user_id, created_at)`,
      `CREATE TABLE "${s}".auth_key_set (
        id integer PRIMARY KEY CHECK (id = 1),
        version integer NOT NULL,
        keys jsonb NOT NULL
      )`,
      // Rotation in one round trip: the family row lock makes concurrent calls take turns, and the first one
      // to get it installs the successor; the others then see the token rotated.
      `CREATE FUNCTION "${s}".auth_refresh_rotate(
        p_family text, p_hash text, p_next text, p_sealed text, p_grace bigint, p_idle bigint, p_now bigint
      ) RETURNS TABLE (
        o_outcome text, o_sealed text, o_id text, o_user_id text, o_created_at bigint, o_last_used_at bigint,
        o_idle_expires_at bigint, o_expires_at bigint, o_revoked_at bigint, o_revoked_reason text,
        o_tokens integer, o_metadata jsonb
      ) LANGUAGE plpgsql AS $fn$
      DECLARE
        v_now bigint := coalesce(p_now, floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint);
        f "${s}".auth_refresh_families%ROWTYPE;
        t "${s}".auth_refresh_tokens%ROWTYPE;
        v_outcome text;
        v_sealed text;
      BEGIN
        SELECT * INTO f FROM "${s}".auth_refresh_families WHERE id = p_family FOR UPDATE;
        IF NOT FOUND THEN
          RETURN QUERY SELECT 'unknown'::text, NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::bigint,
            NULL::bigint, NULL::bigint, NULL::bigint, NULL::text, NULL::integer, NULL::jsonb;
          RETURN;
        END IF;
        SELECT * INTO t FROM "${s}".auth_refresh_tokens WHERE hash = p_hash AND family_id = p_family;
        IF NOT FOUND THEN
          v_outcome := 'unknown';
        ELSIF f.revoked_at IS NOT NULL THEN
          v_outcome := 'revoked';
        ELSIF v_now >= f.expires_at OR v_now >= f.idle_expires_at THEN
          v_outcome := 'expired';
        ELSIF t.rotated_at IS NULL THEN
          UPDATE "${s}".auth_refresh_tokens SET rotated_at = v_now, sealed_next = p_sealed WHERE hash = p_hash;
          INSERT INTO "${s}".auth_refresh_tokens (hash, family_id) VALUES (p_next, p_family);
          UPDATE "${s}".auth_refresh_families
            SET last_used_at = v_now, idle_expires_at = least(v_now + p_idle, f.expires_at), tokens = f.tokens + 1
            WHERE id = p_family RETURNING * INTO f;
          v_outcome := 'rotated';
        ELSIF v_now - t.rotated_at < p_grace THEN
          v_outcome := 'grace';
          v_sealed := t.sealed_next;
        ELSE
          UPDATE "${s}".auth_refresh_families SET revoked_at = v_now, revoked_reason = 'reuse'
            WHERE id = p_family RETURNING * INTO f;
          v_outcome := 'reused';
        END IF;
        RETURN QUERY SELECT v_outcome, v_sealed, f.id, f.user_id, f.created_at, f.last_used_at, f.idle_expires_at,
          f.expires_at, f.revoked_at, f.revoked_reason, f.tokens, f.metadata;
      END
      $fn$`,
    ],
  ];
}

/**
 * Creates the store's tables in `schema` (and the schema) if missing. Idempotent; safe to run from several
 * instances at once.
 *
 * @example await migrate({ pool })
 */
export async function migrate(options: Pick<PostgresStoreOptions, 'pool' | 'schema'>): Promise<void> {
  const { pool, schema } = settings(options);
  await transaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`@infra/auth:migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS "${schema}".auth_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query(`SELECT coalesce(max(version), 0) AS version FROM "${schema}".auth_migrations`);
    const applied = Number((rows[0] as { version: number }).version);
    const all = migrations(schema);
    for (let version = applied + 1; version <= all.length; version++) {
      for (const statement of all[version - 1] as string[]) await client.query(statement);
      await client.query(`INSERT INTO "${schema}".auth_migrations (version) VALUES ($1)`, [version]);
    }
  });
}
