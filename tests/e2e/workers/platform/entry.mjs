// A WorkerEntrypoint class as a service's default export, wrapped by withSentry ('SDK' as in front.mjs).
import { WorkerEntrypoint } from 'cloudflare:workers';
import { withSentry } from 'SDK';
import { options } from './options.mjs';

class Api extends WorkerEntrypoint {
  async fetch(request) {
    throw new Error(`entrypoint fetch ${new URL(request.url).searchParams.get('tag')}`);
  }

  async lookup(tag) {
    throw new Error(`entrypoint rpc ${tag}`);
  }
}

export default withSentry(options, Api);
