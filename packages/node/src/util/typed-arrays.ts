/** `a` copied into an array twice its length: the growth step of the flat tables that avoid an object per entry. */
export function doubled(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
