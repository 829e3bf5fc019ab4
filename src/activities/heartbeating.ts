// Heartbeats on a timer while an activity's work runs: one long query or a few slow connects give no natural
// point to heartbeat, and without heartbeats an attempt lost with its worker is only retried at startToClose.
import { Context } from '@temporalio/activity';

/** Well inside the shortest heartbeatTimeout of these activities (10 s). */
const HEARTBEAT_EVERY_MS = 2_000;

export async function heartbeating<T>(work: () => Promise<T>): Promise<T> {
  const ctx = Context.current();
  const timer = setInterval(() => ctx.heartbeat(), HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
