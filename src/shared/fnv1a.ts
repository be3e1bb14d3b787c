/**
 * 32-bit FNV-1a over the UTF-8 bytes of a string: stable across processes, platforms and runs.
 * Pure (no Buffer, no TextEncoder), so workflow code may use it as well as activities: it names
 * warehouses (from workflow ids) and assigns files to staging partitions (from their paths).
 */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  const add = (byte: number): void => {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  };
  for (const char of text) {
    let code = char.codePointAt(0)!;
    // A lone surrogate is not encodable: UTF-8 encoders write U+FFFD in its place.
    if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
    if (code < 0x80) {
      add(code);
    } else if (code < 0x800) {
      add(0xc0 | (code >> 6));
      add(0x80 | (code & 0x3f));
    } else if (code < 0x10000) {
      add(0xe0 | (code >> 12));
      add(0x80 | ((code >> 6) & 0x3f));
      add(0x80 | (code & 0x3f));
    } else {
      add(0xf0 | (code >> 18));
      add(0x80 | ((code >> 12) & 0x3f));
      add(0x80 | ((code >> 6) & 0x3f));
      add(0x80 | (code & 0x3f));
    }
  }
  return hash;
}
