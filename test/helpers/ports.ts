export { acceptsConnections, freePort } from '../../scripts/lib/ports';
