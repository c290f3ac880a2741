/**
 * The page's own script: draws each chart from the inlined specs with
 * vega-embed. Actions are off (the editor link needs the network), the
 * renderer is SVG (crisp when printed, and countable by the browser test),
 * and expressions are interpreted rather than compiled with `new Function`,
 * so the page's Content-Security-Policy can forbid eval. When every chart
 * has settled, <html data-charts> says "ready" (or "failed").
 */
export const BOOT_SCRIPT = `(function () {
  var charts = JSON.parse(document.getElementById('meshtax-charts').textContent);
  var options = { actions: false, renderer: 'svg', mode: 'vega-lite', ast: true, tooltip: { theme: 'light' } };
  var failed = false;
  Promise.all(charts.map(function (chart) {
    var el = document.getElementById(chart.id);
    return vegaEmbed(el, chart.spec, options).catch(function (error) {
      failed = true;
      el.textContent = 'This chart could not be drawn: ' + error.message;
      console.error(error);
    });
  })).then(function () {
    document.documentElement.setAttribute('data-charts', failed ? 'failed' : 'ready');
  });
})();`;
