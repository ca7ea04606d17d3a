import { Perm } from '../protocol/bodies/route.js';

/** Permission helpers over the protocol's `Perm` bits (reference §5.10). */
export { Perm };

export const PERM_READ_WRITE = Perm.READ | Perm.WRITE;

export function isReadable(perm: number): boolean {
  return (perm & Perm.READ) === Perm.READ;
}

export function isWriteable(perm: number): boolean {
  return (perm & Perm.WRITE) === Perm.WRITE;
}

export function isInherited(perm: number): boolean {
  return (perm & Perm.INHERIT) === Perm.INHERIT;
}
