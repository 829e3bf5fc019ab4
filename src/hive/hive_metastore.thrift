// The part of the Hive Metastore Thrift API (Hive 3.1, standalone-metastore's hive_metastore.thrift) that the
// reconciliation reads: databases, tables with their columns and partition keys, partition names, functions.
// Written here from the protocol: every struct, field id and type, and every method's argument and exception ids,
// are the real protocol's, so a stock Hive or Spark client can talk to the emulator's endpoint and our reader can
// talk to a real metastore. Fields the reconciliation does not read are left out (a Thrift reader skips unknown
// field ids, so both directions stay compatible). Regenerate src/hive/gen with `npm run thrift:gen`.

namespace java org.apache.hadoop.hive.metastore.api

enum PrincipalType {
  USER = 1,
  ROLE = 2,
  GROUP = 3,
}

enum FunctionType {
  JAVA = 1,
}

enum ResourceType {
  JAR = 1,
  FILE = 2,
  ARCHIVE = 3,
}

struct FieldSchema {
  1: string name,
  2: string type,
  3: string comment
}

struct Database {
  1: string name,
  2: string description,
  3: string locationUri,
  4: map<string, string> parameters,
  6: optional string ownerName,
  7: optional PrincipalType ownerType,
  8: optional string catalogName
}

struct SerDeInfo {
  1: string name,
  2: string serializationLib,
  3: map<string, string> parameters
}

struct Order {
  1: string col,
  2: i32 order
}

struct StorageDescriptor {
  1: list<FieldSchema> cols,
  2: string location,
  3: string inputFormat,
  4: string outputFormat,
  5: bool compressed,
  6: i32 numBuckets,
  7: SerDeInfo serdeInfo,
  8: list<string> bucketCols,
  9: list<Order> sortCols,
  10: map<string, string> parameters
}

struct Table {
  1: string tableName,
  2: string dbName,
  3: string owner,
  4: i32 createTime,
  5: i32 lastAccessTime,
  6: i32 retention,
  7: StorageDescriptor sd,
  8: list<FieldSchema> partitionKeys,
  9: map<string, string> parameters,
  10: string viewOriginalText,
  11: string viewExpandedText,
  12: string tableType,
  17: optional string catName
}

struct ResourceUri {
  1: ResourceType resourceType,
  2: string uri
}

struct Function {
  1: string functionName,
  2: string dbName,
  3: string className,
  4: string ownerName,
  5: PrincipalType ownerType,
  6: i32 createTime,
  7: FunctionType functionType,
  8: list<ResourceUri> resourceUris,
  9: optional string catName
}

struct GetAllFunctionsResponse {
  1: optional list<Function> functions
}

exception MetaException {
  1: string message
}

exception NoSuchObjectException {
  1: string message
}

// The real service extends fb303.FacebookService; Thrift methods are addressed by name alone, so leaving the base
// out changes nothing on the wire for these.
service ThriftHiveMetastore {
  Database get_database(1: string name) throws (1: NoSuchObjectException o1, 2: MetaException o2)
  list<string> get_all_databases() throws (1: MetaException o1)
  list<string> get_all_tables(1: string db_name) throws (1: MetaException o1)
  Table get_table(1: string dbname, 2: string tbl_name) throws (1: MetaException o1, 2: NoSuchObjectException o2)
  list<Table> get_table_objects_by_name(1: string dbname, 2: list<string> tbl_names)
  list<string> get_partition_names(1: string db_name, 2: string tbl_name, 3: i16 max_parts = -1)
    throws (1: NoSuchObjectException o1, 2: MetaException o2)
  GetAllFunctionsResponse get_all_functions() throws (1: MetaException o1)
}
