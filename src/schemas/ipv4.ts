// IPv4 addresses and ranges as numbers. Imports nothing: the workflow's plan warnings use it.

const OCTET = /^(?:0|[1-9]\d{0,2})$/;

/** The address as an unsigned 32-bit number, or undefined unless it is a dotted quad without leading zeros. */
export function parseIpv4(value: string): number | undefined {
  const parts = value.split('.');
  if (parts.length !== 4 || !parts.every((part) => OCTET.test(part) && Number(part) <= 255)) return undefined;
  return parts.reduce((sum, part) => sum * 256 + Number(part), 0);
}

/** True when `address` lies in `base`/`prefix` (both as parseIpv4 numbers). */
export function inIpv4Range(address: number, base: number, prefix: number): boolean {
  const size = 2 ** (32 - prefix);
  return Math.floor(address / size) === Math.floor(base / size);
}
