// Proves the committed generated parser (src/filter/sql92-parser.generated.ts) is exactly what
// peggy produces from src/filter/sql92.peggy today: regenerates it with the same script
// `make build` runs and compares the bytes, so an edited grammar cannot ship with a stale parser.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('generated SQL92 parser', () => {
  it('regenerating from the grammar gives the committed bytes', () => {
    const regenerated = execFileSync(process.execPath, ['scripts/gen-sql92-parser.mjs', '--stdout'], { cwd: root });
    const committed = readFileSync(`${root}src/filter/sql92-parser.generated.ts`);
    expect(regenerated.length).toBeGreaterThan(1000);
    expect(regenerated.equals(committed)).toBe(true);
  });
});
