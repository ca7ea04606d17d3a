/**
 * One self-contained HTML report for one or more result files: uPlot's JS and CSS are inlined,
 * the results are embedded as JSON, nothing is fetched. Open it from disk, mail it, publish it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { TestResult } from '../result.js';
import { REPORT_CLIENT_SOURCE } from './html-client.js';

const require = createRequire(import.meta.url);

function uplotAssets(): { js: string; css: string } {
  return {
    js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
}

/** Keeps `</script>` and `<!--` inside embedded JSON from closing or confusing the element. */
function jsonSafe(text: string): string {
  return text.replace(/</g, '\\u003c');
}

/** Inlined code is used verbatim; it must not contain what would end its script element. */
function checkedScript(source: string, what: string): string {
  if (/<\/script|<!--/i.test(source)) throw new Error(`${what} cannot be inlined: it contains </script or <!--`);
  return source;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

const SUMMARY_COLUMNS = [
  'run', 'system', 'flush', 'client', 'size B', 'pub msg/s', 'pub MB/s', 'cons msg/s', 'drain msg/s',
  'pub p50 ms', 'pub p99 ms', 'pub p99.9 ms', 'pub max ms', 'e2e p50 ms', 'e2e p99 ms',
  'e2e p99.9 ms', 'e2e max ms', 'errors', 'commit',
];

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 20px; color: #222; }
table { border-collapse: collapse; margin: 12px 0; font-size: 12px; }
th, td { border: 1px solid #ccc; padding: 3px 6px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.chart { margin: 18px 0; }
.chart h3 { margin: 4px 0; font-size: 15px; }
.note { color: #777; font-size: 12px; margin: 0; }
.env { color: #555; font-size: 12px; }
`;

export function renderHtmlReport(results: TestResult[], title = 'Petrel load test report'): string {
  const { js, css } = uplotAssets();
  const first = results[0]?.environment;
  const env = first === undefined ? '' : `${first.cpuModel} · ${first.cores} cores · `
    + `${(first.memoryBytes / 1024 ** 3).toFixed(1)} GiB · ${first.kernel} · Node ${first.node} · commit ${first.gitCommit}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${css}</style>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="env">${escapeHtml(env)}</p>
<p class="env">${results.length} result(s); latencies recorded in µs with HdrHistogram and shown in ms
(publish delay in µs) as OMB does. Publish latency is measured from each message's scheduled send time.</p>
<table><thead><tr>${SUMMARY_COLUMNS.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead>
<tbody id="summary-body"></tbody></table>
<div id="charts"></div>
<script id="petrel-results" type="application/json">${jsonSafe(JSON.stringify(results))}</script>
<script>${checkedScript(js, 'uPlot')}</script>
<script>${checkedScript(REPORT_CLIENT_SOURCE, 'report client')}</script>
</body>
</html>
`;
}
