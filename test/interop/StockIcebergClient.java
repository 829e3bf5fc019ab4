// A stock Apache Iceberg REST client (iceberg-core's own RESTCatalog, from Maven Central; .ci/run fetches it)
// pointed at the emulator's Iceberg REST catalog. Usage: StockIcebergClient URI WAREHOUSE
// It creates a namespace and a table through the client (as a test seeds a target), then lists every namespace,
// lists each namespace's tables and loads each table, and prints what it saw as one JSON object on stdout.
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SchemaParser;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;

public class StockIcebergClient {
  public static void main(String[] args) throws Exception {
    Map<String, String> properties = new HashMap<>();
    properties.put(CatalogProperties.URI, args[0]);
    properties.put(CatalogProperties.WAREHOUSE_LOCATION, args[1]);
    // Loading a table reads no file (the metadata comes in the answer); an in-memory FileIO keeps Hadoop and
    // cloud SDKs off the classpath.
    properties.put(CatalogProperties.FILE_IO_IMPL, "org.apache.iceberg.inmemory.InMemoryFileIO");
    // One entry a page: every list follows next-page-token to the end.
    properties.put("rest-page-size", "1");
    ObjectMapper json = new ObjectMapper();
    ObjectNode out = json.createObjectNode();
    try (RESTCatalog catalog = new RESTCatalog()) {
      catalog.initialize("biglake", properties);

      Namespace seeded = Namespace.of("made_by_client");
      // A HashMap: the client probes the map for a null key, which Map.of() refuses.
      catalog.createNamespace(seeded, new HashMap<>(Map.of("owner", "stock-client")));
      Schema schema =
          new Schema(
              Types.NestedField.required(1, "id", Types.LongType.get()),
              Types.NestedField.optional(2, "tags", Types.ListType.ofOptional(3, Types.StringType.get())));
      catalog.createTable(TableIdentifier.of(seeded, "events"), schema);

      ArrayNode namespaces = out.putArray("namespaces");
      ObjectNode tables = out.putObject("tables");
      for (Namespace namespace : catalog.listNamespaces()) {
        namespaces.add(namespace.toString());
        ObjectNode byName = tables.putObject(namespace.toString());
        for (TableIdentifier id : catalog.listTables(namespace)) {
          Table table = catalog.loadTable(id);
          ObjectNode loaded = byName.putObject(id.name());
          loaded.put("exists", catalog.tableExists(id));
          loaded.put("location", table.location());
          loaded.put(
              "metadataLocation",
              ((HasTableOperations) table).operations().current().metadataFileLocation());
          loaded.put("formatVersion", ((HasTableOperations) table).operations().current().formatVersion());
          loaded.set("schema", json.readTree(SchemaParser.toJson(table.schema())));
          loaded.set("properties", json.valueToTree(table.properties()));
          loaded.put("hasSnapshot", table.currentSnapshot() != null);
          loaded.put("uuid", table.uuid().toString());
        }
      }
      out.put("namespaceOwner", catalog.loadNamespaceMetadata(seeded).get("owner"));
      out.put("missingTableExists", catalog.tableExists(TableIdentifier.of(seeded, "nope")));
      try {
        catalog.loadTable(TableIdentifier.of(seeded, "nope"));
        out.put("missingTableError", "none");
      } catch (NoSuchTableException e) {
        out.put("missingTableError", "NoSuchTableException");
      }
    }
    System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(out));
  }
}
