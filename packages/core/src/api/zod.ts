import { z } from 'zod';

/**
 * The zod every schema here is built with. Configured before any schema exists, because zod reads
 * `jitless` as each object schema is made: its JIT probes for eval with `Function('')`, which the web
 * app's CSP (script-src without 'unsafe-eval') refuses, reporting a violation on every page load.
 * Interpreted parsing is the same validation, and in the node it keeps eval out of the process too.
 */
z.config({ jitless: true });

export { z };
