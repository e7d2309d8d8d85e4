// The PostgreSQL schema cannot drift from the SQLite one: same tables, columns, keys and indexes, read from both drizzle schemas.
import { describe, expect, test } from "bun:test";
import { is } from "drizzle-orm";
import { getTableConfig as pgConfig, PgTable } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import * as pg from "../../src/db/pg-schema.ts";
import * as sqlite from "../../src/db/schema.ts";

/** What both dialects must agree on, in terms either can state. */
interface Shape {
  columns: Array<{
    name: string;
    notNull: boolean;
    hasDefault: boolean;
    primary: boolean;
    unique: string | false;
    values: string[] | undefined;
  }>;
  primaryKey: string[][];
  indexes: Array<{ name: string; columns: string[]; unique: boolean }>;
  uniqueConstraints: Array<{ name: string | undefined; columns: string[] }>;
  foreignKeys: Array<{ columns: string[]; table: string; foreignColumns: string[]; onDelete: string | undefined }>;
}

interface AnyConfig {
  name: string;
  columns: Array<{
    name: string;
    notNull: boolean;
    hasDefault: boolean;
    primary: boolean;
    isUnique: boolean;
    uniqueName: string | undefined;
    enumValues: string[] | undefined;
  }>;
  primaryKeys: Array<{ columns: Array<{ name: string }> }>;
  indexes: Array<{ config: { name?: string; unique: boolean; columns: ReadonlyArray<unknown> } }>;
  uniqueConstraints: Array<{ name?: string; columns: Array<{ name: string }> }>;
  foreignKeys: Array<{
    onDelete?: string;
    reference(): { columns: Array<{ name: string }>; foreignTable: object; foreignColumns: Array<{ name: string }> };
  }>;
}

const columnName = (c: unknown) => (typeof c === "object" && c !== null && "name" in c ? String(c.name) : String(c));

function shape(config: AnyConfig, tableName: (t: object) => string): Shape {
  return {
    columns: config.columns.map((c) => ({
      name: c.name,
      notNull: c.notNull,
      hasDefault: c.hasDefault,
      primary: c.primary,
      unique: c.isUnique ? (c.uniqueName ?? "") : false,
      values: c.enumValues,
    })),
    primaryKey: config.primaryKeys.map((k) => k.columns.map((c) => c.name)),
    indexes: config.indexes
      .map((i) => ({ name: i.config.name ?? "", columns: i.config.columns.map(columnName), unique: i.config.unique }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    uniqueConstraints: config.uniqueConstraints.map((u) => ({ name: u.name, columns: u.columns.map((c) => c.name) })),
    foreignKeys: config.foreignKeys.map((f) => {
      const ref = f.reference();
      return {
        columns: ref.columns.map((c) => c.name),
        table: tableName(ref.foreignTable),
        foreignColumns: ref.foreignColumns.map((c) => c.name),
        onDelete: f.onDelete,
      };
    }),
  };
}

const sqliteTables = Object.entries(sqlite as Record<string, unknown>).filter((e): e is [string, SQLiteTable] => is(e[1], SQLiteTable));
const pgTables = Object.entries(pg as Record<string, unknown>).filter((e): e is [string, PgTable] => is(e[1], PgTable));
const sqliteName = (t: object) => sqliteConfig(t as SQLiteTable).name;
const pgName = (t: object) => pgConfig(t as PgTable).name;

describe("the PostgreSQL schema beside the SQLite one", () => {
  test("has the same tables under the same export names", () => {
    expect(sqliteTables.length).toBeGreaterThan(10);
    expect(pgTables.map(([exported, t]) => [exported, pgName(t)]).sort()).toEqual(
      sqliteTables.map(([exported, t]) => [exported, sqliteName(t)]).sort(),
    );
  });

  for (const [exported, table] of sqliteTables) {
    test(`${sqliteName(table)}: same columns in the same order (nullability, defaults, keys, enums), indexes and foreign keys`, () => {
      const twin = pgTables.find(([name]) => name === exported)?.[1];
      expect(twin).toBeDefined();
      expect(shape(pgConfig(twin!) as AnyConfig, pgName)).toEqual(shape(sqliteConfig(table) as AnyConfig, sqliteName));
    });
  }

  test("every table is in the row-type check below", () => {
    expect(Object.keys(rowsAlike).sort()).toEqual(sqliteTables.map(([exported]) => exported).sort());
  });

  test("the comparison sees a difference (a nullable column where SQLite has NOT NULL)", () => {
    const loose = { ...(pgConfig(pg.apiKeys) as AnyConfig) };
    loose.columns = loose.columns.map((c) => (c.name === "key_hash" ? { ...c, notNull: false } : c));
    expect(shape(loose, pgName)).not.toEqual(shape(sqliteConfig(sqlite.apiKeys) as AnyConfig, sqliteName));
  });
});

// Rows read from either database have the same TypeScript type, so a query can be written once (checked by `bun run typecheck`).
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Tables = { [K in keyof typeof sqlite & keyof typeof pg as (typeof sqlite)[K] extends SQLiteTable ? K : never]: K };
type RowsAlike = {
  [K in keyof Tables]: Same<
    (typeof sqlite)[K] extends { $inferSelect: infer R } ? R : never,
    (typeof pg)[K] extends { $inferSelect: infer R } ? R : never
  >;
};
const rowsAlike: { [K in keyof RowsAlike]: RowsAlike[K] extends true ? true : never } = {
  settings: true,
  providerConnections: true,
  providerNodes: true,
  providerModels: true,
  combos: true,
  apiKeys: true,
  usageLog: true,
  usageDaily: true,
  usageHourly: true,
  budgets: true,
  resilienceState: true,
  syncDocuments: true,
  configFileObjects: true,
  syncSpaces: true,
};
