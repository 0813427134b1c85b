/**
 * @module
 * The script a report page runs: it reads the charts' data from the page's JSON element and
 * draws each chart with uPlot (inlined before it). It is kept as plain ES2017 text, written
 * into the page as is, so that it runs in any current browser without a build step.
 *
 * uPlot wants every series of a chart on one shared x array, so series whose points have
 * different x values are aligned on the union of their x values. Where a series has no point
 * the column holds `undefined`, which uPlot draws across (an alignment artefact), while a
 * `null` the caller gave stays a gap in the line. One colour per series label across the whole page (the variant
 * `breakwater` has the same colour in every chart). Each chart's container gets
 * `data-drawn="true"` once uPlot has drawn it — what the browser test waits for.
 *
 * Optional per chart: `xClock` (x is hours since midnight, ticks and legend read `HH:MM`) and
 * `markers` (labelled vertical event lines, drawn after the series).
 */

/** The page script; expects `uPlot` as a global and `#bw-report-data` as JSON. */
export const PAGE_SCRIPT = `(function () {
  'use strict';
  var PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2',
    '#17becf', '#7f7f7f', '#bcbd22'];
  var HEIGHT = 300;
  var data = JSON.parse(document.getElementById('bw-report-data').textContent);
  var colours = {};
  var next = 0;
  function colourOf(series) {
    if (series.color) return series.color;
    if (!(series.label in colours)) colours[series.label] = PALETTE[next++ % PALETTE.length];
    return colours[series.label];
  }
  function align(series) {
    var seen = new Set();
    series.forEach(function (s) { s.points.forEach(function (p) { seen.add(p[0]); }); });
    var xs = Array.from(seen).sort(function (a, b) { return a - b; });
    var index = new Map(xs.map(function (x, i) { return [x, i]; }));
    var columns = [xs];
    series.forEach(function (s) {
      var ys = new Array(xs.length).fill(undefined);
      s.points.forEach(function (p) { ys[index.get(p[0])] = p[1]; });
      columns.push(ys);
    });
    return columns;
  }
  function clock(h) {
    var m = Math.round(h * 60);
    m = ((m % 1440) + 1440) % 1440;
    var hh = Math.floor(m / 60), mm = m % 60;
    return (hh < 10 ? '0' : '') + hh + ':' + (mm < 10 ? '0' : '') + mm;
  }
  // Vertical event lines with their labels, stacked so neighbouring labels do not overlap.
  function drawMarkers(u, markers) {
    var ctx = u.ctx, dpr = window.devicePixelRatio || 1;
    var top = u.bbox.top, height = u.bbox.height;
    ctx.save();
    ctx.font = (11 * dpr) + 'px system-ui, sans-serif';
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    var rowEnds = [];
    markers.forEach(function (m) {
      var x = Math.round(u.valToPos(m.x, 'x', true));
      if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
      ctx.strokeStyle = m.color || '#444';
      ctx.fillStyle = m.color || '#444';
      ctx.setLineDash([4 * dpr, 3 * dpr]);
      ctx.lineWidth = dpr;
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
      var width = ctx.measureText(m.label).width;
      var row = 0;
      while (row < rowEnds.length && rowEnds[row] > x) row++;
      rowEnds[row] = x + width + 8 * dpr;
      ctx.fillText(m.label, x + 3 * dpr, top + 2 * dpr + row * 13 * dpr);
    });
    ctx.restore();
  }
  var plots = [];
  data.charts.forEach(function (chart, i) {
    var el = document.getElementById('bw-chart-' + i);
    try {
      var opts = {
        width: Math.max(320, el.clientWidth),
        height: HEIGHT,
        scales: { x: chart.xLog ? { time: false, distr: 3 } : { time: false } },
        axes: [
          chart.xClock
            ? { label: chart.xLabel, values: function (u, splits) { return splits.map(clock); } }
            : { label: chart.xLabel },
          { label: chart.yLabel, size: 64 }
        ],
        series: [chart.xClock
          ? { label: chart.xLabel, value: function (u, v) { return v == null ? '' : clock(v); } }
          : { label: chart.xLabel }].concat(chart.series.map(function (s) {
          return {
            label: s.label,
            stroke: colourOf(s),
            width: 1.5,
            dash: s.dashed ? [6, 4] : undefined,
            points: { show: false }
          };
        })),
        hooks: { draw: [function (u) {
          if (chart.markers) drawMarkers(u, chart.markers);
          el.setAttribute('data-drawn', 'true');
        }] }
      };
      plots.push({ el: el, plot: new uPlot(opts, align(chart.series), el) });
    } catch (err) {
      el.textContent = 'This chart could not be drawn: ' + err;
      console.error(err);
    }
  });
  var pending = false;
  window.addEventListener('resize', function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      plots.forEach(function (p) {
        p.plot.setSize({ width: Math.max(320, p.el.clientWidth), height: HEIGHT });
      });
    });
  });
})();
`;
