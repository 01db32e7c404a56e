import { NodeClient } from './client.js';
import type { CliOptions } from './options.js';
import { Output } from './output.js';

/** What every command gets: parsed options, the output channel and the node client. */
export interface CommandContext {
  opts: CliOptions;
  out: Output;
  node: NodeClient;
}

export function makeContext(opts: CliOptions): CommandContext {
  return { opts, out: new Output(opts.json), node: new NodeClient(opts.nodeUrl, opts.token) };
}
