/**
 * Writes a run's outputs: one OMB-named JSON per result, a CSV summary and one HTML report over
 * all of them. Also reads result files back (for `mqbench report`, which overlays old runs).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestResult } from './result.js';
import { resultFileName } from './result.js';
import { toCsv } from './report/csv.js';
import { renderHtmlReport } from './report/html.js';

export interface WrittenOutputs {
  jsonPaths: string[];
  csvPath: string;
  htmlPath: string;
}

export function writeOutputs(directory: string, results: TestResult[], baseName: string, date = new Date()): WrittenOutputs {
  mkdirSync(directory, { recursive: true });
  const jsonPaths = results.map((result) => {
    const path = join(directory, resultFileName(result, date));
    writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
    return path;
  });
  return { jsonPaths, ...writeReports(directory, results, baseName) };
}

/** The CSV summary and the HTML report over `results` (overlaid). */
export function writeReports(directory: string, results: TestResult[], baseName: string): { csvPath: string; htmlPath: string } {
  mkdirSync(directory, { recursive: true });
  const csvPath = join(directory, `${baseName}.csv`);
  writeFileSync(csvPath, toCsv(results));
  const htmlPath = join(directory, `${baseName}.html`);
  writeFileSync(htmlPath, renderHtmlReport(results));
  return { csvPath, htmlPath };
}

/** Reads result JSON files; refuses files that are not results of this harness. */
export function readResults(paths: string[]): TestResult[] {
  return paths.map((path) => {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<TestResult>;
    if (typeof parsed.workload !== 'string' || typeof parsed.driver !== 'string' || parsed.histograms === undefined) {
      throw new Error(`${path} is not a result file of this harness`);
    }
    return parsed as TestResult;
  });
}
