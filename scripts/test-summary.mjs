// Prints vitest's JSON result as one plain closing line: "tests: N passed, N failed[, N skipped]".
import { readFileSync } from 'node:fs';

const file = process.argv[2];
try {
  const result = JSON.parse(readFileSync(file, 'utf8'));
  const skipped = result.numPendingTests + result.numTodoTests;
  const tail = skipped > 0 ? `, ${skipped} skipped` : '';
  console.log(`tests: ${result.numPassedTests} passed, ${result.numFailedTests} failed${tail}`);
} catch (error) {
  console.log(`tests: 0 passed, 1 failed (no readable result in ${file}: ${error.message})`);
  process.exitCode = 1;
}
