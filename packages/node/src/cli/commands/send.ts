import type { CommandContext } from '../context.js';
import { takeArgs } from '../options.js';
import { sendTransfer } from './transfer.js';

export async function sendCommand(ctx: CommandContext): Promise<void> {
  const [to, amount] = takeArgs(ctx.opts, 2, ['to', 'amount']);
  await sendTransfer(ctx, { to: to!, amount: amount!, what: 'Transfer' });
}
