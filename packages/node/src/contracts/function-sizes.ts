import { childNodes, type AnyNode } from './source-limits.js';

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/**
 * The largest "own" code of a function in a tree: its span less the spans of
 * the functions directly inside it (QuickJS compiles each function, with its
 * own line-number table, separately). `root` counts as a function; functions
 * nested fewer than `minDepth` levels deep (the root is depth 0) are left out
 * of the maximum but still subtract their children. An explicit stack: the
 * tree's depth is bounded by a consensus limit, not by the host stack.
 */
export function largestOwnFunction(root: AnyNode, span: (node: AnyNode) => number, minDepth = 0): number {
  const owners: { size: number; depth: number }[] = [{ size: span(root), depth: 0 }];
  const stack: { node: AnyNode; owner: number }[] = [];
  for (const child of childNodes(root)) stack.push({ node: child, owner: 0 });
  while (stack.length > 0) {
    const { node, owner: parent } = stack.pop()!;
    let owner = parent;
    if (FUNCTION_TYPES.has(node.type)) {
      const size = span(node);
      (owners[parent] as { size: number }).size -= size;
      owners.push({ size, depth: (owners[parent] as { depth: number }).depth + 1 });
      owner = owners.length - 1;
    }
    for (const child of childNodes(node)) stack.push({ node: child, owner });
  }
  let max = 0;
  for (const { size, depth } of owners) if (depth >= minDepth && size > max) max = size;
  return max;
}
