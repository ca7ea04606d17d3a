// Proves docs/errors.md lists exactly the error codes src/common/errors.ts defines.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/common/errors.js';

describe('docs/errors.md', () => {
  it('lists every error code and nothing else', () => {
    const text = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    const documented = [...text.matchAll(/^\| `(ERR_[A-Z_]+)` \|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.values(ErrorCode).sort());
  });
});
