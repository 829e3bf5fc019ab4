// Service.lakehouseProxyConfig (§E): output only, newer than the Service type the client's schemas describe, so
// the emulator keeps it on the stored service object under its API name and serves it as is.
import type { Service } from '../../schemas/api';
import type { LakehouseProxyConfig } from './types';

type ProxiedService = Service & { lakehouseProxyConfig?: LakehouseProxyConfig };

export function proxyConfigOf(service: Service): LakehouseProxyConfig | undefined {
  const config = (service as ProxiedService).lakehouseProxyConfig;
  return config && structuredClone(config);
}

/** Sets (or, with undefined, clears) the service's lakehouseProxyConfig. */
export function setProxyConfig(service: Service, config: LakehouseProxyConfig | undefined): void {
  const proxied = service as ProxiedService;
  if (config) proxied.lakehouseProxyConfig = structuredClone(config);
  else delete proxied.lakehouseProxyConfig;
}
