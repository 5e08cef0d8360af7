/** The parts of a `pg` pool the scheduler uses, as structural types: any `pg.Pool` fits. */

/** A query result as `pg` returns it. */
export interface QueryResult<Row> {
  rows: Row[];
  rowCount?: number | null;
}

/** Something that runs parameterised SQL: a `pg.Pool` or a checked-out client. */
export interface Queryable {
  query<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<QueryResult<Row>>;
}

/** A `pg.Pool`: queries, and clients checked out for a transaction. */
export interface PostgresPool extends Queryable {
  connect(): Promise<Queryable & { release(error?: boolean | Error): void }>;
}
