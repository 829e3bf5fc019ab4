// The emulator playing a newer revision of the API: what it *says* about a resource can carry enum values and
// fields this client has never heard of (Google adds them without a new version: AIP-126, AIP-180). An overlay
// is merged into every answer naming the resource (get, list, operation metadata) without touching the state
// machine, so the resource keeps its real life underneath and returns to it when the overlay is removed.
import { z } from 'zod';

export const NewerApiOverlaySchema = z
  .object({
    /** A service, migration execution or operation name. */
    name: z.string().regex(/^projects\/[^/]+\/locations\/[^/]+\/.+/, 'must be a resource name'),
    /**
     * Top-level fields served over the real ones, e.g. { state: 'PAUSED', lakehouseSync: {…} }; a null value
     * leaves the field out (a newer revision dropping a deprecated one); {} removes the overlay.
     */
    fields: z.record(z.string(), z.unknown()),
  })
  .strict();
export type NewerApiOverlay = z.infer<typeof NewerApiOverlaySchema>;

export class NewerApi {
  private readonly overlays = new Map<string, Record<string, unknown>>();

  set({ name, fields }: NewerApiOverlay): void {
    if (Object.keys(fields).length === 0) this.overlays.delete(name);
    else this.overlays.set(name, fields);
  }

  list(): NewerApiOverlay[] {
    return [...this.overlays].map(([name, fields]) => ({ name, fields }));
  }

  clear(): void {
    this.overlays.clear();
  }

  /** The answer as the newer API would give it: every resource in it (a list's items, an operation's response). */
  render(body: unknown): unknown {
    if (this.overlays.size === 0) return body;
    return this.overlay(body);
  }

  private overlay(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.overlay(item));
    if (typeof value !== 'object' || value === null) return value;
    const record = value as Record<string, unknown>;
    const rendered: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(record)) rendered[key] = this.overlay(inner);
    const own = typeof record.name === 'string' ? this.overlays.get(record.name) : undefined;
    if (!own) return rendered;
    const merged: Record<string, unknown> = { ...rendered, ...own };
    for (const [key, value] of Object.entries(own)) if (value === null) delete merged[key];
    return merged;
  }
}
