/**
 * Bolt lifecycle helpers for e2e tests.
 *
 *   await stopBoltApp(app);   // in afterAll, before closing the stand-ins
 *
 * Why: in Socket Mode, Bolt 5's `SocketModeReceiver.stop()` calls `client.disconnect()` without
 * awaiting it, so `app.stop()` resolves while the WebSocket close handshake (and its 30 s guard
 * timer) is still running. Closing the stand-in at that moment makes the client see an abrupt close,
 * and Jest reports the timer as an open handle. `SocketModeClient.disconnect()` itself returns a
 * promise that settles once the socket is really closed, so await that first.
 *
 * The same applies to the bot's own graceful shutdown: an adapter that wants "sockets closed" on
 * SIGTERM should await `receiver.client.disconnect()` (build the SocketModeReceiver itself and pass
 * it as `receiver`, or reach it as done here).
 */
import { SocketModeReceiver, type App } from '@slack/bolt';

export async function stopBoltApp(app: App | undefined): Promise<void> {
  if (!app) return;
  // `receiver` is private in Bolt's typings; read it at run time only to find a Socket Mode client.
  const receiver: unknown = (app as unknown as { receiver?: unknown }).receiver;
  if (receiver instanceof SocketModeReceiver) {
    await receiver.client.disconnect();
  }
  await app.stop();
}
