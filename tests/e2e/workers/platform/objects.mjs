// A service of its own holding the Durable Object and the Workflow: its default export is not
// wrapped, so nothing but the instrumented classes starts the SDK in this isolate.
import { DurableObject, WorkflowEntrypoint } from 'cloudflare:workers';
import { instrumentDurableObjectWithSentry, instrumentWorkflowWithSentry } from 'SDK';
import { options } from './options.mjs';

class RoomBase extends DurableObject {
  async fetch(request) {
    // A WebSocket through the hibernation API: its messages arrive at webSocketMessage.
    if (request.headers.get('upgrade') === 'websocket') {
      const [client, server] = Object.values(new WebSocketPair());
      this.ctx.acceptWebSocket(server);
      return new Response(null, { status: 101, webSocket: client });
    }
    throw new Error(`object fetch ${new URL(request.url).searchParams.get('tag')}`);
  }

  async webSocketMessage(ws, message) {
    throw new Error(`object websocket ${message}`);
  }

  async explode(tag) {
    throw new Error(`object rpc ${tag}`);
  }

  async arm(tag) {
    await this.ctx.storage.put('tag', tag);
    await this.ctx.storage.setAlarm(Date.now() + 50);
  }

  async fired() {
    return (await this.ctx.storage.get('fired')) || 0;
  }

  // Fails on its first run only: workerd retries it, and the retry succeeds.
  async alarm() {
    const fired = (await this.ctx.storage.get('fired')) || 0;
    await this.ctx.storage.put('fired', fired + 1);
    if (fired === 0) throw new Error(`object alarm ${await this.ctx.storage.get('tag')}`);
  }
}
export const Room = instrumentDurableObjectWithSentry(options, RoomBase);

class FlowBase extends WorkflowEntrypoint {
  async run(event, step) {
    const ok = await step.do('prepare', async () => 'prepared');
    await step.do('charge card', { retries: { limit: 2, delay: 50, backoff: 'constant' } }, async () => {
      throw new Error(`workflow step ${event.payload.tag} after ${ok}`);
    });
  }
}
export const Flow = instrumentWorkflowWithSentry(options, FlowBase);

export default { fetch: () => new Response('objects') };
