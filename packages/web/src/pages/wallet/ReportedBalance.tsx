import type { BalanceSummary } from '@hackcoin/core';
import { Amount } from '../../components/Amount';
import { Stat } from '../../components/Card';
import { Notice } from '../../components/Notice';

export const UNVERIFIED = 'reported by node (unverified)';

/** What the node's figure is, set against the proven one: `proven` is null until a proof succeeded. */
export interface Comparison {
  proven: { balance: bigint; height: number } | null;
  /** The height the node read its figures at (its address answer's own), undefined from an older node. */
  nodeHeight: number | undefined;
}

/**
 * The node's own figures, labelled as such. When the proven balance differs
 * they give way to a warning, so the node's figure is never shown as the balance.
 */
export function ReportedBalance({ b, compare }: { b: BalanceSummary | null; compare: Comparison }) {
  const v = (x: bigint | undefined) => (x === undefined ? '…' : <Amount units={x} />);
  const { proven } = compare;
  if (b && proven && b.confirmed !== proven.balance) return <BalanceMismatch reported={b.confirmed} proven={proven} nodeHeight={compare.nodeHeight} />;
  return (
    <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
      <Stat label="Confirmed" testId="balance-confirmed" value={v(b?.confirmed)} hint={UNVERIFIED} />
      <Stat label="Pending" testId="balance-pending" value={b ? <span className="text-base">+{v(b.pendingIncoming)} / −{v(b.pendingOutgoing)}</span> : '…'} hint={UNVERIFIED} />
      <Stat label="Available" testId="balance-available" value={v(b?.available)} hint={`confirmed minus pending outgoing, ${UNVERIFIED}`} />
    </div>
  );
}

/**
 * Only figures read at the proven height can contradict the proof: the proof runs on a block's push
 * at once, the address answer is fetched a moment later, so either may be a block ahead of the other.
 */
function BalanceMismatch({ reported, proven, nodeHeight }: { reported: bigint; proven: { balance: bigint; height: number }; nodeHeight: number | undefined }) {
  const contradicts = nodeHeight === proven.height;
  const why =
    nodeHeight === undefined
      ? 'The node does not say which block its figure is from, so the two cannot be compared.'
      : nodeHeight > proven.height
        ? `Blocks after height ${proven.height} are not proven yet, so the difference may be recent, or the node is lying.`
        : nodeHeight < proven.height
          ? `The node's figure is from an earlier block; it is compared again once the node's answer catches up.`
          : "The node's figure contradicts its own chain.";
  return (
    <Notice tone={contradicts ? 'error' : 'warn'} testId="balance-mismatch" title="The node's balance differs from the proven one">
      The node reports <Amount units={reported} /> confirmed{nodeHeight !== undefined ? ` at height ${nodeHeight}` : ''}; the balance this browser proved at height {proven.height} is{' '}
      <Amount units={proven.balance} />. {why} Only the proven figure is your balance.
    </Notice>
  );
}
