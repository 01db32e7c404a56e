import { runCli } from './run.js';

const code = await runCli(process.argv.slice(2));
// Exit explicitly: fetch's keep-alive sockets would otherwise hold the process open for seconds.
// The empty writes' callbacks fire once earlier output has been flushed.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
