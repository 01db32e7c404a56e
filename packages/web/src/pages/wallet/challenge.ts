/** Picks `count` distinct word positions and, for each, candidate words including the right one. */
export interface Challenge {
  position: number; // 0-based
  options: string[];
}

function shuffle<T>(items: T[], rand: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

export function makeChallenges(words: string[], count = 3, optionCount = 6, rand: () => number = Math.random): Challenge[] {
  const positions = shuffle(
    words.map((_, i) => i),
    rand,
  )
    .slice(0, count)
    .sort((a, b) => a - b);
  const unique = [...new Set(words)];
  return positions.map((position) => {
    const right = words[position]!;
    const decoys = shuffle(
      unique.filter((w) => w !== right),
      rand,
    ).slice(0, optionCount - 1);
    return { position, options: shuffle([right, ...decoys], rand) };
  });
}
