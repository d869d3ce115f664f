// The WorkerEntrypoint of entry.mjs, wrapped by tattle's own withTattle (which takes a class too).
import { WorkerEntrypoint } from 'cloudflare:workers';
import { withTattle } from 'tattle/worker';
import { options } from './options.mjs';

class Api extends WorkerEntrypoint {
  async lookup(tag) {
    throw new Error(`withTattle entrypoint rpc ${tag}`);
  }
}

export default withTattle(options, Api);
