// The failure converter of an encrypting worker and client (their dataConverter's failureConverterPath), bundled
// into the workflow sandbox too, so it imports nothing but the SDK. Temporal never passes a failure's message and
// stack trace through a codec; with encodeCommonAttributes they move into the failure's encodedAttributes payload,
// which the codec encrypts, and the stored failure says only "Encoded failure". Every SDK reader decodes
// encodedAttributes whether or not it encodes its own, so histories written before (or by a process without keys)
// still read, and replay is unaffected: failure contents are not part of a workflow's commands.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
