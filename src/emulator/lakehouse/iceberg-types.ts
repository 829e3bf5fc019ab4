// Column types between the Hive world (the backfill copies DPMS columns as Hive type strings) and the Iceberg
// REST spec's schema JSON (Type: a primitive name, or list / map / struct objects with field ids). Hive's
// integers narrower than int widen to int and char/varchar become string, as Iceberg's Hive integration maps them.
import type { LakehouseColumn } from './store';

export type IcebergType = string | IcebergList | IcebergMap | IcebergStruct;

export interface IcebergField {
  id: number;
  name: string;
  required: boolean;
  type: IcebergType;
  doc?: string;
}
export interface IcebergStruct {
  type: 'struct';
  fields: IcebergField[];
}
export interface IcebergList {
  type: 'list';
  'element-id': number;
  element: IcebergType;
  'element-required': boolean;
}
export interface IcebergMap {
  type: 'map';
  'key-id': number;
  key: IcebergType;
  'value-id': number;
  value: IcebergType;
  'value-required': boolean;
}

const PRIMITIVES: Record<string, string> = {
  boolean: 'boolean',
  tinyint: 'int',
  smallint: 'int',
  int: 'int',
  integer: 'int',
  bigint: 'long',
  float: 'float',
  double: 'double',
  'double precision': 'double',
  string: 'string',
  binary: 'binary',
  date: 'date',
  timestamp: 'timestamp',
  'timestamp with local time zone': 'timestamptz',
};

/** A parsed Hive type, before ids are handed out. */
type HiveType =
  | { kind: 'primitive'; iceberg: string }
  | { kind: 'list'; element: HiveType }
  | { kind: 'map'; key: HiveType; value: HiveType }
  | { kind: 'struct'; fields: { name: string; type: HiveType }[] };

/**
 * The Iceberg schema (schema-id 0) of Hive columns. Top-level fields take ids 1..n, nested ones follow in
 * order, so a table's ids are stable from one load to the next. A type Iceberg has no counterpart for
 * (uniontype, interval) is carried as string rather than refused: the emulator reports, it does not convert data.
 */
export function schemaFromColumns(columns: readonly LakehouseColumn[]): IcebergStruct & { 'schema-id': number } {
  const parsed = columns.map((c) => ({ name: c.name, type: parseHiveType(c.type) }));
  const ids = { next: parsed.length + 1 };
  const fields = parsed.map((c, i) => ({ id: i + 1, name: c.name, required: false, type: assignIds(c.type, ids) }));
  return { type: 'struct', 'schema-id': 0, fields };
}

/** The highest field id in a schema (the metadata's last-column-id). */
export function maxFieldId(type: IcebergType): number {
  if (typeof type === 'string') return 0;
  if (type.type === 'struct') return Math.max(0, ...type.fields.map((f) => Math.max(f.id, maxFieldId(f.type))));
  if (type.type === 'list') return Math.max(type['element-id'], maxFieldId(type.element));
  return Math.max(type['key-id'], type['value-id'], maxFieldId(type.key), maxFieldId(type.value));
}

/** An Iceberg type as a Hive type string (the columns of a table a client created with an Iceberg schema). */
export function hiveTypeOf(type: IcebergType): string {
  if (typeof type === 'string') {
    if (type === 'long') return 'bigint';
    if (type === 'timestamptz') return 'timestamp with local time zone';
    if (type === 'uuid' || type === 'time') return 'string';
    if (/^fixed\[\d+\]$/.test(type)) return 'binary';
    return type;
  }
  if (type.type === 'list') return `array<${hiveTypeOf(type.element)}>`;
  if (type.type === 'map') return `map<${hiveTypeOf(type.key)},${hiveTypeOf(type.value)}>`;
  return `struct<${type.fields.map((f) => `${f.name}:${hiveTypeOf(f.type)}`).join(',')}>`;
}

function assignIds(type: HiveType, ids: { next: number }): IcebergType {
  if (type.kind === 'primitive') return type.iceberg;
  if (type.kind === 'list') {
    const elementId = ids.next++;
    return { type: 'list', 'element-id': elementId, element: assignIds(type.element, ids), 'element-required': false };
  }
  if (type.kind === 'map') {
    const keyId = ids.next++;
    const valueId = ids.next++;
    return {
      type: 'map',
      'key-id': keyId,
      key: assignIds(type.key, ids),
      'value-id': valueId,
      value: assignIds(type.value, ids),
      'value-required': false,
    };
  }
  const first = ids.next;
  ids.next += type.fields.length;
  return {
    type: 'struct',
    fields: type.fields.map((f, i) => ({ id: first + i, name: f.name, required: false, type: assignIds(f.type, ids) })),
  };
}

/** Parses a Hive type string (`map<string,array<struct<a:int,b:decimal(10,2)>>>`); unknown types become string. */
export function parseHiveType(text: string): HiveType {
  try {
    const parser = new TypeParser(text);
    const type = parser.type();
    if (parser.atEnd()) return type;
  } catch {
    // A malformed type string: carried as string like any type without a counterpart.
  }
  return { kind: 'primitive', iceberg: 'string' };
}

class TypeParser {
  private at = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    this.skipSpace();
    return this.at >= this.text.length;
  }

  type(): HiveType {
    const name = this.word().toLowerCase();
    if (name === 'array') {
      this.expect('<');
      const element = this.type();
      this.expect('>');
      return { kind: 'list', element };
    }
    if (name === 'map') {
      this.expect('<');
      const key = this.type();
      this.expect(',');
      const value = this.type();
      this.expect('>');
      return { kind: 'map', key, value };
    }
    if (name === 'struct') {
      this.expect('<');
      const fields: { name: string; type: HiveType }[] = [];
      while (!this.peek('>')) {
        if (fields.length > 0) this.expect(',');
        const field = this.word();
        this.expect(':');
        fields.push({ name: field, type: this.type() });
      }
      this.expect('>');
      return { kind: 'struct', fields };
    }
    // Before any peek: a peek skips the space a multi-word name (`double precision`) is matched with.
    const multiWord = this.multiWord(name);
    const args = this.peek('(') ? this.args() : [];
    if (name === 'decimal' || name === 'numeric') {
      // Hive's decimal without precision is decimal(10,0).
      return { kind: 'primitive', iceberg: `decimal(${args[0] ?? '10'}, ${args[1] ?? '0'})` };
    }
    // char(n), varchar(n) and anything without a counterpart are strings.
    return { kind: 'primitive', iceberg: PRIMITIVES[multiWord] ?? 'string' };
  }

  /** `double precision`, `timestamp with local time zone`: Hive's type names with spaces. */
  private multiWord(name: string): string {
    for (const full of Object.keys(PRIMITIVES).filter((k) => k.startsWith(`${name} `))) {
      const rest = full.slice(name.length);
      if (this.text.slice(this.at, this.at + rest.length).toLowerCase() === rest) {
        this.at += rest.length;
        return full;
      }
    }
    return name;
  }

  private args(): string[] {
    this.expect('(');
    const close = this.text.indexOf(')', this.at);
    if (close === -1) throw new Error('unclosed (');
    const args = this.text
      .slice(this.at, close)
      .split(',')
      .map((a) => a.trim());
    this.at = close + 1;
    return args;
  }

  private word(): string {
    this.skipSpace();
    const match = /^[A-Za-z_][A-Za-z0-9_]*|^`[^`]+`/.exec(this.text.slice(this.at));
    if (!match) return '';
    this.at += match[0].length;
    return match[0].replace(/^`|`$/g, '');
  }

  private peek(token: string): boolean {
    this.skipSpace();
    return this.text.startsWith(token, this.at);
  }

  private expect(token: string): void {
    if (!this.peek(token)) throw new Error(`expected ${token}`);
    this.at += token.length;
  }

  private skipSpace(): void {
    while (this.text[this.at] === ' ') this.at++;
  }
}
