export interface Budget {
  maxItems: number;
  maxBytes: number;
}

/**
 * Renders heights from `top` down until the count or the byte budget would be exceeded (the first
 * always fits), and returns the pieces oldest first with the lowest height rendered.
 */
export async function newestWithin<P extends { length: number }>(top: number, render: (height: number) => Promise<P>, budget: Budget): Promise<{ pieces: P[]; from: number }> {
  const pieces: P[] = [];
  let bytes = 0;
  let h = top;
  for (; h >= 0 && pieces.length < budget.maxItems; h--) {
    const piece = await render(h);
    if (pieces.length > 0 && bytes + piece.length + 1 > budget.maxBytes) break;
    pieces.push(piece);
    bytes += piece.length + 1;
  }
  return { pieces: pieces.reverse(), from: h + 1 };
}

/**
 * Renders `items` in order while their JSON stays within `maxBytes` (the first always goes). Fewer
 * pieces than items means the budget cut the rest.
 */
export function leadingWithin<T>(items: readonly T[], render: (item: T) => string, maxBytes: number): string[] {
  const pieces: string[] = [];
  let bytes = 0;
  for (const item of items) {
    const piece = render(item);
    if (pieces.length > 0 && bytes + piece.length + 1 > maxBytes) break;
    pieces.push(piece);
    bytes += piece.length + 1;
  }
  return pieces;
}
