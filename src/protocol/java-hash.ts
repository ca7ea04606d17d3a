/**
 * Java's `String.hashCode()`: 31-based over UTF-16 code units, wrapped to a signed int32. It is
 * the consume-queue tagsCode of a tagged message (reference §3.3) and the tag filter's key, so the
 * broker, the store's recovery and the tests all use this one definition.
 */
export function javaStringHashCode(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}
