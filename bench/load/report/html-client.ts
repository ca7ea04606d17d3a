/**
 * The browser side of the HTML report, as plain ES2020 source injected into the page. It reads
 * the embedded results, draws OMB's chart set with uPlot (one line per result, so runs and
 * drivers overlay) and the log-nines quantile charts, and fills the summary table.
 * Kept free of backticks and `${` so it can live in a template literal unchanged.
 */
export const REPORT_CLIENT_SOURCE = String.raw`
(function () {
  'use strict';
  var results = JSON.parse(document.getElementById('petrel-results').textContent);
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
  var chartsEl = document.getElementById('charts');
  var width = Math.min(1100, Math.max(480, document.body.clientWidth - 40));

  function label(r) { return r.driver + ' / ' + r.workload; }
  function fmt(v, digits) { return (typeof v === 'number' && isFinite(v)) ? v.toFixed(digits) : '-'; }

  function section(title, note) {
    var box = document.createElement('div');
    box.className = 'chart';
    var h = document.createElement('h3');
    h.textContent = title;
    box.appendChild(h);
    if (note) {
      var p = document.createElement('p');
      p.className = 'note';
      p.textContent = note;
      box.appendChild(p);
    }
    chartsEl.appendChild(box);
    return box;
  }

  function seriesOpts() {
    return [{}].concat(results.map(function (r, i) {
      return { label: label(r), stroke: palette[i % palette.length], width: 2, spanGaps: true };
    }));
  }

  function timeChart(title, field, unit) {
    var tables = results.map(function (r) {
      var ys = Array.isArray(r[field]) ? r[field] : [];
      var xs = ys.map(function (_, i) { return (i + 1) * r.samplePeriodSeconds; });
      return [xs, ys];
    });
    var hasData = tables.some(function (t) { return t[0].length > 0; });
    var box = section(title + ' (' + unit + ')', hasData ? '' : 'no samples in these results');
    if (!hasData) return;
    var data = uPlot.join(tables);
    new uPlot({
      width: width, height: 260,
      scales: { x: { time: false } },
      axes: [{ label: 'seconds' }, { label: unit, size: 70 }],
      series: seriesOpts(),
    }, data, box);
  }

  function nines(p) { return p >= 100 ? null : -Math.log10(1 - p / 100); }

  function quantileChart(title, field, unit) {
    var tables = results.map(function (r) {
      var q = r[field] || {};
      var keys = Object.keys(q).map(Number).filter(function (p) { return p < 100; }).sort(function (a, b) { return a - b; });
      var xs = keys.map(nines);
      var ys = keys.map(function (p) { var v = q[String(p)]; return v > 0 ? v : null; });
      return [xs, ys];
    });
    var hasData = tables.some(function (t) { return t[1].some(function (v) { return v !== null; }); });
    var box = section(title + ' (' + unit + ', log-nines percentile axis)', hasData ? '' : 'no samples in these results');
    if (!hasData) return;
    var data = uPlot.join(tables);
    new uPlot({
      width: width, height: 300,
      scales: { x: { time: false }, y: { distr: 3 } },
      axes: [
        { label: 'percentile', values: function (u, ticks) {
            return ticks.map(function (t) { return (100 * (1 - Math.pow(10, -t))).toPrecision(6).replace(/\.?0+$/, '') + '%'; });
          }, splits: function () { return [0, 1, 2, 3, 4, 5]; } },
        { label: unit, size: 70 },
      ],
      series: seriesOpts(),
    }, data, box);
  }

  function summaryTable() {
    var body = document.getElementById('summary-body');
    results.forEach(function (r, i) {
      var h = r.histograms, s = r.summary, e = r.environment;
      var cells = [
        label(r), e.driver.system, e.driver.flushMode, e.driver.client, r.messageSize,
        fmt(s.publishRateAvg, 0), fmt(s.publishThroughputMBps, 2), fmt(s.consumeRateAvg, 0),
        r.backlogDrain ? fmt(r.backlogDrain.drainRate, 0) : '-',
        fmt(h.publishLatency.summary.p50 / 1000, 3), fmt(h.publishLatency.summary.p99 / 1000, 3),
        fmt(h.publishLatency.summary.p999 / 1000, 3), fmt(h.publishLatency.summary.max / 1000, 3),
        fmt(h.endToEndLatency.summary.p50 / 1000, 3), fmt(h.endToEndLatency.summary.p99 / 1000, 3),
        fmt(h.endToEndLatency.summary.p999 / 1000, 3), fmt(h.endToEndLatency.summary.max / 1000, 3),
        s.sendErrors, e.gitCommit.slice(0, 10),
      ];
      var tr = document.createElement('tr');
      tr.style.color = palette[i % palette.length];
      cells.forEach(function (c) { var td = document.createElement('td'); td.textContent = String(c); tr.appendChild(td); });
      body.appendChild(tr);
    });
  }

  summaryTable();
  timeChart('Publish rate', 'publishRate', 'msg/s');
  timeChart('Consume rate', 'consumeRate', 'msg/s');
  timeChart('Publish error rate', 'publishErrorRate', 'err/s');
  timeChart('Backlog', 'backlog', 'messages');
  timeChart('Publish latency 99pct', 'publishLatency99pct', 'ms');
  timeChart('Publish delay latency 99pct', 'publishDelayLatency99pct', 'us');
  timeChart('End-to-end latency 95pct', 'endToEndLatency95pct', 'ms');
  timeChart('End-to-end latency avg', 'endToEndLatencyAvg', 'ms');
  quantileChart('Publish latency quantiles', 'aggregatedPublishLatencyQuantiles', 'ms');
  quantileChart('Publish delay latency quantiles', 'aggregatedPublishDelayLatencyQuantiles', 'us');
  quantileChart('End-to-end latency quantiles', 'aggregatedEndToEndLatencyQuantiles', 'ms');
  quantileChart('Store-to-consume latency quantiles', 'aggregatedStoreToConsumeLatencyQuantiles', 'ms');
  document.body.setAttribute('data-rendered', String(document.querySelectorAll('canvas').length));
})();
`;
