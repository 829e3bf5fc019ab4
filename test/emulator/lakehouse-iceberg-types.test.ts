// Hive column types as Iceberg schema JSON (what a backfilled Iceberg table's load answers) and back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hiveTypeOf, maxFieldId, schemaFromColumns } from '../../src/emulator/lakehouse/iceberg-types';

describe('Hive types as Iceberg types', () => {
  it('maps primitives, widening narrow integers and carrying unknown or malformed types as string', () => {
    const types = [
      'tinyint',
      'SMALLINT',
      'bigint',
      'decimal',
      'decimal(38, 9)',
      'varchar(20)',
      'char(3)',
      'double precision',
      'timestamp with local time zone',
      'uniontype<int,string>',
      'array<int',
    ];
    const schema = schemaFromColumns(types.map((type, i) => ({ name: `c${i}`, type })));
    assert.deepEqual(
      schema.fields.map((f) => f.type),
      [
        'int',
        'int',
        'long',
        'decimal(10, 0)',
        'decimal(38, 9)',
        'string',
        'string',
        'double',
        'timestamptz',
        'string',
        'string',
      ],
    );
    assert.deepEqual(
      schema.fields.map((f) => f.id),
      types.map((_t, i) => i + 1),
    );
  });

  it('gives nested types fresh ids after the top-level fields, and reports the highest', () => {
    const schema = schemaFromColumns([
      { name: 'a', type: 'map<string,array<struct<`k`:int, v:string>>>' },
      { name: 'b', type: 'int' },
    ]);
    assert.deepEqual(schema.fields[0]?.type, {
      type: 'map',
      'key-id': 3,
      key: 'string',
      'value-id': 4,
      value: {
        type: 'list',
        'element-id': 5,
        element: {
          type: 'struct',
          fields: [
            { id: 6, name: 'k', required: false, type: 'int' },
            { id: 7, name: 'v', required: false, type: 'string' },
          ],
        },
        'element-required': false,
      },
      'value-required': false,
    });
    assert.equal(maxFieldId(schema), 7);
  });

  it('writes Iceberg types back as Hive type strings', () => {
    const [field] = schemaFromColumns([{ name: 'a', type: 'map<string,array<struct<k:bigint>>>' }]).fields;
    assert.equal(hiveTypeOf(field?.type ?? 'int'), 'map<string,array<struct<k:bigint>>>');
    assert.equal(hiveTypeOf('timestamptz'), 'timestamp with local time zone');
    assert.equal(hiveTypeOf('fixed[16]'), 'binary');
  });
});
