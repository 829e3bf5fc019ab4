// A build of the workflows with a plain bug: scheduling the cutover checks throws a TypeError, as a slip in
// workflow code would. Bundled as a workflow interceptor module by test/workflows/error-boundary.test.ts only.
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      scheduleActivity(input, next) {
        if (input.activityType === 'checkCutoverReadiness') {
          const report = undefined as unknown as { findings: unknown[] };
          return Promise.resolve(report.findings); // TypeError: cannot read properties of undefined
        }
        return next(input);
      },
    },
  ],
});
