// The resource-name fields of the request as zod schemas, over the rules in resource-names.ts.
import { ruledString } from './field-rules';
import {
  CATALOG_FORM,
  NETWORK_FORM,
  SERVICE_FORM,
  SUBNETWORK_FORM,
  catalogProblem,
  instanceConnectionNameProblem,
  networkProblem,
  serviceProblem,
  subnetworkProblem,
} from './resource-names';

export const SubnetworkNameSchema = ruledString(`a subnetwork resource name ${SUBNETWORK_FORM}`, subnetworkProblem);

export const NetworkNameSchema = ruledString(`a network resource name ${NETWORK_FORM}`, networkProblem);

export const ServiceNameSchema = ruledString(`a service resource name ${SERVICE_FORM}`, serviceProblem);

export const InstanceConnectionNameSchema = ruledString(
  'the Cloud SQL instance connection name, PROJECT_ID:REGION:INSTANCE_ID or PROJECT_ID/LOCATION/INSTANCE_ID',
  instanceConnectionNameProblem,
);

export const CatalogNameSchema = ruledString(`a Lakehouse catalog resource name ${CATALOG_FORM}`, catalogProblem);
