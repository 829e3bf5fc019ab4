// A stock Hive client: Hive 3.1.3's own generated ThriftHiveMetastore.Client (hive-standalone-metastore) over
// libthrift 0.9.3, as Hive and Spark ship them. It reads a metastore's inventory through HOST:PORT and prints it
// as JSON in src/hive/inventory.ts's shape, so a test can prove the emulator speaks the real protocol.
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.hadoop.hive.metastore.api.FieldSchema;
import org.apache.hadoop.hive.metastore.api.Function;
import org.apache.hadoop.hive.metastore.api.Table;
import org.apache.hadoop.hive.metastore.api.ThriftHiveMetastore;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.transport.TSocket;

public class StockHiveClient {
  public static void main(String[] args) throws Exception {
    TSocket socket = new TSocket(args[0], Integer.parseInt(args[1]));
    socket.open();
    try {
      ThriftHiveMetastore.Client client = new ThriftHiveMetastore.Client(new TBinaryProtocol(socket));
      StringBuilder out = new StringBuilder("{\"databases\":{");
      List<String> databases = new ArrayList<>(client.get_all_databases());
      Collections.sort(databases);
      for (int d = 0; d < databases.size(); d++) {
        String database = databases.get(d);
        if (d > 0) out.append(',');
        out.append(quote(database)).append(":{");
        List<String> names = new ArrayList<>(client.get_all_tables(database));
        Collections.sort(names);
        for (int t = 0; t < names.size(); t++) {
          Table table = client.get_table(database, names.get(t));
          List<String> partitions = new ArrayList<>();
          if (!table.getPartitionKeys().isEmpty()) partitions.addAll(client.get_partition_names(database, names.get(t), (short) -1));
          Collections.sort(partitions);
          if (t > 0) out.append(',');
          out.append(quote(table.getTableName())).append(":{\"type\":").append(quote(table.getTableType()));
          out.append(",\"columns\":").append(fields(table.getSd().getCols()));
          out.append(",\"partitionKeys\":").append(fields(table.getPartitionKeys()));
          out.append(",\"partitions\":").append(strings(partitions)).append('}');
        }
        out.append('}');
      }
      List<String> functions = new ArrayList<>();
      for (Function f : client.get_all_functions().getFunctions()) functions.add(f.getDbName() + "." + f.getFunctionName());
      Collections.sort(functions);
      out.append("},\"functions\":").append(strings(functions)).append('}');
      System.out.println(out);
    } finally {
      socket.close();
    }
  }

  private static String fields(List<FieldSchema> fields) {
    List<String> values = new ArrayList<>();
    for (FieldSchema f : fields) values.add(f.getName() + " " + f.getType());
    return strings(values);
  }

  private static String strings(List<String> values) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) out.append(i > 0 ? "," : "").append(quote(values.get(i)));
    return out.append(']').toString();
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
