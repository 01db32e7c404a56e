import { NATIVE_TICKER, resemblesNativeTicker } from '../lib/token-symbol';
import { visibleText } from '../lib/visible-text';

/**
 * A token's symbol as its deployer chose it, hidden characters written out;
 * one that reads as the native ticker says it is not the native coin. The
 * contract's address is shown next to it by the caller.
 */
export function TokenSymbol({ symbol, className = '' }: { symbol: string; className?: string }) {
  return (
    <>
      <span className={className}>{visibleText(symbol)}</span>
      {resemblesNativeTicker(symbol) && (
        <>
          {' '}
          <span
            data-testid="token-not-native"
            title={`Its deployer named it like the native coin: these are units of the token contract shown beside it, not ${NATIVE_TICKER}`}
            className="rounded bg-rose-500/20 px-1 text-xs font-semibold whitespace-nowrap text-rose-200"
          >
            token, not the native {NATIVE_TICKER}
          </span>
        </>
      )}
    </>
  );
}
