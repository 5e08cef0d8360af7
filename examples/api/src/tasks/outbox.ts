/**
 * The mail outbox: a request enqueues a mail and answers at once; the `send-queued-mail` task delivers it,
 * retries transient failures later and never resends one whose outcome is unknown. A PostgreSQL table when
 * DATABASE_URL is set (every instance shares it; claims skip rows another sender holds), memory otherwise.
 */
import { randomUUID } from 'node:crypto';
import type { TemplateMessage } from '@infra/mail';
import type { AppTemplates } from '../mail/index.ts';
import { type TaskDb, table } from './state.ts';

/** A mail to queue: one of the app's templates with its typed data. */
export type QueuedMail = Pick<TemplateMessage<AppTemplates[number]>, 'template' | 'data'> & {
  to: string;
  /** Queuing twice with one key queues once (and the mailer delivers once). @default a random key */
  idempotencyKey?: string;
};

export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'unknown';

export interface OutboxEntry {
  id: string;
  template: string;
  to: string;
  data: unknown;
  idempotencyKey: string;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  messageId: string | null;
}

export interface Outbox {
  readonly kind: 'memory' | 'postgres';
  /** Queues a mail; returns its id (the existing one when the idempotency key was queued before). */
  enqueue(mail: QueuedMail): Promise<string>;
  /**
   * Takes up to `limit` due entries (queued, or `sending` past their lease: a sender that died) and marks them
   * `sending` for `leaseMs`, counting an attempt.
   */
  claim(limit: number, leaseMs: number): Promise<OutboxEntry[]>;
  markSent(id: string, messageId: string): Promise<void>;
  /** Back to `queued`, due again after `delayMs`. */
  retryLater(id: string, error: string, delayMs: number): Promise<void>;
  /** Ends the entry: `failed` (refused) or `unknown` (maybe delivered; never resent blindly). */
  settle(id: string, status: 'failed' | 'unknown', error: string): Promise<void>;
  get(id: string): Promise<OutboxEntry | undefined>;
  /** How many entries are in each status. */
  counts(): Promise<Record<string, number>>;
  /** Deletes ended entries (sent, failed, unknown) created before `before`; returns how many. */
  purge(before: Date): Promise<number>;
}

const ended: readonly OutboxStatus[] = ['sent', 'failed', 'unknown'];

/** An outbox in this process; `now` reads the task clock. */
export function memoryOutbox(now: () => number = Date.now): Outbox {
  const entries = new Map<string, OutboxEntry & { dueAt: number; createdAt: number }>();
  const byKey = new Map<string, string>();
  let next = 1;
  const entry = (id: string) => {
    const found = entries.get(id);
    if (found === undefined) throw new Error(`outbox: no entry ${id}`);
    return found;
  };
  return {
    kind: 'memory',
    async enqueue(mail) {
      const idempotencyKey = mail.idempotencyKey ?? `outbox/${randomUUID()}`;
      const existing = byKey.get(idempotencyKey);
      if (existing !== undefined) return existing;
      const id = String(next++);
      entries.set(id, {
        id,
        template: mail.template,
        to: mail.to,
        // Stored as the database would (JSON), so a Date arrives as a string in both kinds.
        data: JSON.parse(JSON.stringify(mail.data)),
        idempotencyKey,
        status: 'queued',
        attempts: 0,
        lastError: null,
        messageId: null,
        dueAt: now(),
        createdAt: now(),
      });
      byKey.set(idempotencyKey, id);
      return id;
    },
    async claim(limit, leaseMs) {
      const at = now();
      const due = [...entries.values()]
        .filter((e) => (e.status === 'queued' || e.status === 'sending') && e.dueAt <= at)
        .sort((a, b) => a.dueAt - b.dueAt || Number(a.id) - Number(b.id))
        .slice(0, limit);
      for (const e of due) {
        e.status = 'sending';
        e.attempts++;
        e.dueAt = at + leaseMs;
      }
      return due.map(({ dueAt: _d, createdAt: _c, ...e }) => ({ ...e }));
    },
    async markSent(id, messageId) {
      Object.assign(entry(id), { status: 'sent', messageId, lastError: null });
    },
    async retryLater(id, error, delayMs) {
      Object.assign(entry(id), { status: 'queued', lastError: error, dueAt: now() + delayMs });
    },
    async settle(id, status, error) {
      Object.assign(entry(id), { status, lastError: error });
    },
    async get(id) {
      const found = entries.get(id);
      if (found === undefined) return undefined;
      const { dueAt: _d, createdAt: _c, ...e } = found;
      return { ...e };
    },
    async counts() {
      const counts: Record<string, number> = {};
      for (const e of entries.values()) counts[e.status] = (counts[e.status] ?? 0) + 1;
      return counts;
    },
    async purge(before) {
      let purged = 0;
      for (const [id, e] of entries) {
        if (ended.includes(e.status) && e.createdAt < before.getTime()) {
          entries.delete(id);
          byKey.delete(e.idempotencyKey);
          purged++;
        }
      }
      return purged;
    },
  };
}

interface Row {
  id: string;
  template: string;
  recipient: string;
  data: unknown;
  idempotency_key: string;
  status: OutboxStatus;
  attempts: number;
  last_error: string | null;
  message_id: string | null;
}

const columns = 'id, template, recipient, data, idempotency_key, status, attempts, last_error, message_id';

function fromRow(row: Row): OutboxEntry {
  return {
    id: String(row.id),
    template: row.template,
    to: row.recipient,
    data: row.data,
    idempotencyKey: row.idempotency_key,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    messageId: row.message_id,
  };
}

/** The outbox table `example_mail_outbox` (see `migrateTasks`); times by the database's clock. */
export function postgresOutbox(db: TaskDb): Outbox {
  const outbox = table(db, 'example_mail_outbox');
  const { pool } = db;
  return {
    kind: 'postgres',
    async enqueue(mail) {
      const key = mail.idempotencyKey ?? `outbox/${randomUUID()}`;
      const inserted = await pool.query<{ id: string }>(
        `INSERT INTO ${outbox} (template, recipient, data, idempotency_key) VALUES ($1, $2, $3, $4)
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
        [mail.template, mail.to, JSON.stringify(mail.data), key],
      );
      if (inserted.rows[0]) return String(inserted.rows[0].id);
      const existing = await pool.query<{ id: string }>(`SELECT id FROM ${outbox} WHERE idempotency_key = $1`, [key]);
      return String(existing.rows[0]?.id);
    },
    async claim(limit, leaseMs) {
      // SKIP LOCKED: a second sender (the API in embedded mode, a manual trigger) takes other rows, never these.
      const { rows } = await pool.query<Row>(
        `UPDATE ${outbox} SET status = 'sending', attempts = attempts + 1,
           next_attempt_at = clock_timestamp() + $2 * interval '1 millisecond'
         WHERE id IN (SELECT id FROM ${outbox}
           WHERE status IN ('queued', 'sending') AND next_attempt_at <= clock_timestamp()
           ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING ${columns}`,
        [limit, leaseMs],
      );
      return rows.map(fromRow).sort((a, b) => Number(a.id) - Number(b.id));
    },
    async markSent(id, messageId) {
      await pool.query(
        `UPDATE ${outbox} SET status = 'sent', message_id = $2, last_error = NULL, sent_at = clock_timestamp() WHERE id = $1`,
        [id, messageId],
      );
    },
    async retryLater(id, error, delayMs) {
      await pool.query(
        `UPDATE ${outbox} SET status = 'queued', last_error = $2,
           next_attempt_at = clock_timestamp() + $3 * interval '1 millisecond' WHERE id = $1`,
        [id, error, delayMs],
      );
    },
    async settle(id, status, error) {
      await pool.query(`UPDATE ${outbox} SET status = $2, last_error = $3 WHERE id = $1`, [id, status, error]);
    },
    async get(id) {
      const { rows } = await pool.query<Row>(`SELECT ${columns} FROM ${outbox} WHERE id = $1`, [id]);
      return rows[0] && fromRow(rows[0]);
    },
    async counts() {
      const { rows } = await pool.query<{ status: string; count: string }>(
        `SELECT status, count(*) AS count FROM ${outbox} GROUP BY status`,
      );
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.count)]));
    },
    async purge(before) {
      const { rowCount } = await pool.query(
        `DELETE FROM ${outbox} WHERE status IN ('sent', 'failed', 'unknown') AND created_at < $1`,
        [before],
      );
      return rowCount ?? 0;
    },
  };
}
