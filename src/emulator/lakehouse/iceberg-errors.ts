// The Iceberg REST spec's error answer: `{"error": {"message", "type", "code"}}` (IcebergErrorResponse /
// ErrorModel). `type` names the Java exception a stock client rethrows (NoSuchNamespaceException, …), so it matters.
import type { z } from 'zod';
import type { SurfaceReply } from '../surface-types';

export class IcebergError extends Error {
  override readonly name = 'IcebergError';
  constructor(
    readonly code: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export function icebergErrorReply(error: IcebergError): SurfaceReply {
  return { status: error.code, json: { error: { message: error.message, type: error.type, code: error.code } } };
}

export const badRequest = (message: string) => new IcebergError(400, 'BadRequestException', message);

/** A refused body, each field path named (`schema.fields.0.type: …`). */
export function fromZodIssues(error: z.ZodError): IcebergError {
  const message = error.issues
    .map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
  return badRequest(message);
}
