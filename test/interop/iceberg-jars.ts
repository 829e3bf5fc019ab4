// The jars of a stock Apache Iceberg REST client (iceberg-core's RESTCatalog and its runtime dependencies, the
// versions iceberg-core 1.10.0 declares), in the local Maven repository where .ci/run's fetch_stock_iceberg_client
// puts them.
import { homedir } from 'node:os';
import { join } from 'node:path';

const M2 = join(homedir(), '.m2', 'repository');

export const STOCK_ICEBERG_CLIENT_JARS = [
  'org/apache/iceberg/iceberg-core/1.10.0/iceberg-core-1.10.0.jar',
  'org/apache/iceberg/iceberg-api/1.10.0/iceberg-api-1.10.0.jar',
  'org/apache/iceberg/iceberg-common/1.10.0/iceberg-common-1.10.0.jar',
  'org/apache/iceberg/iceberg-bundled-guava/1.10.0/iceberg-bundled-guava-1.10.0.jar',
  'com/fasterxml/jackson/core/jackson-core/2.19.2/jackson-core-2.19.2.jar',
  'com/fasterxml/jackson/core/jackson-databind/2.19.2/jackson-databind-2.19.2.jar',
  'com/fasterxml/jackson/core/jackson-annotations/2.19.2/jackson-annotations-2.19.2.jar',
  'org/apache/httpcomponents/client5/httpclient5/5.5/httpclient5-5.5.jar',
  'org/apache/httpcomponents/core5/httpcore5/5.3.4/httpcore5-5.3.4.jar',
  'org/apache/httpcomponents/core5/httpcore5-h2/5.3.4/httpcore5-h2-5.3.4.jar',
  'com/github/ben-manes/caffeine/caffeine/2.9.3/caffeine-2.9.3.jar',
  'org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar',
].map((jar) => join(M2, jar));
