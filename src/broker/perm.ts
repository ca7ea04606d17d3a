import { Perm } from '../protocol/bodies/route.js';

/** Permission bits (reference §5.10); the bit tests are the data plane's, shared by both planes. */
export { Perm };
export { isInherited, isReadable, isWriteable } from './data-plane/topic-rules.js';

export const PERM_READ_WRITE = Perm.READ | Perm.WRITE;
