import pg from 'pg';

// Prisma's wasm schema engine introspects catalog columns of PostgreSQL-internal types that
// @prisma/adapter-pg cannot deserialize (prisma/orm#27403). Reporting them as text is lossless for
// these types, and only migrations go through this pool.
const CATALOG_ONLY_TYPE_IDS = new Set([
  18, // char
  19, // name
  22, // int2vector
  24, // regproc
  26, // oid
  28, // xid
  30, // oidvector
  194, // pg_node_tree
  1033, // aclitem
  2205, // regclass
  2206, // regtype
]);
const TEXT_TYPE_ID = 25;

interface FieldLike {
  dataTypeID: number;
}

function relabel(result: unknown): void {
  const fields = (result as { fields?: FieldLike[] } | undefined)?.fields;
  for (const field of fields ?? []) {
    if (CATALOG_ONLY_TYPE_IDS.has(field.dataTypeID)) field.dataTypeID = TEXT_TYPE_ID;
  }
}

export class CatalogSafePool extends pg.Pool {
  // pg's overloads make a typed override impractical; the adapter only uses the promise form.
  override query(...args: unknown[]): never {
    const pending = (super.query as (...a: unknown[]) => unknown)(...args);
    if (pending instanceof Promise) {
      return pending.then((result: unknown) => {
        relabel(result);
        return result;
      }) as never;
    }
    return pending as never;
  }
}
