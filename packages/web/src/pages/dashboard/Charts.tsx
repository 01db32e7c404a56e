import { LineChart } from '../../components/charts/LineChart';
import { formatDifficulty, formatDuration, formatHashrate } from '../../lib/format';
import type { BlockHeader } from '../../lib/types';
import { blockSeries } from './stats';

/** Loaded on demand (React.lazy) so the charts are not part of the first download. */
export default function Charts({ blocks }: { blocks: BlockHeader[] }) {
  const s = blockSeries(blocks);
  const height = (x: number) => `#${x}`;
  return (
    <div className="grid gap-4 md:grid-cols-3">
      <LineChart title="Block time (s)" points={s.blockTimes} bars formatY={(y) => formatDuration(y)} formatX={height} color="#38bdf8" />
      <LineChart title="Difficulty" points={s.difficulty} formatY={formatDifficulty} formatX={height} color="#f59e0b" />
      <LineChart title="Hash rate (5-block window)" points={s.hashRate} formatY={formatHashrate} formatX={height} color="#34d399" />
    </div>
  );
}
