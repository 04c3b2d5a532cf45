/* On a phone, the overview's map is much smaller than the 1380×980 px its zoom was made
   for: zoom out so the whole province fits, and show the layer legend across its foot
   (on a wall the legend stays where the server put it). Fitted once per figure the server
   sends, so a person's own zooming is left alone. */
(function () {
  var SERVER_MIN_PX = 980; // the smaller side of the map size the server fits the areas to
  var PHONE_PX = 700;

  function fit(gd) {
    var map = gd.layout && gd.layout.map;
    if (!window.Plotly || !map || typeof map.zoom !== 'number') return;
    if (gd.clientWidth === 0 || gd.clientWidth >= PHONE_PX) return;
    if (gd._iocFitted === map.zoom) return; // fitted already, or moved by hand since
    if (gd._iocFitted !== undefined && gd._iocServerZoom !== map.zoom) {
      gd._iocFitted = map.zoom; // a person zoomed: keep it
      return;
    }
    var full = gd._fullLayout || {};
    var drawn = full.map && full.map._subplot;
    // the drawn map must have its style before it is moved (else plotly and the map read
    // its layers before they exist): not ready, next time
    if (!drawn || !drawn.map || !drawn.map.isStyleLoaded || !drawn.map.isStyleLoaded()) return;
    var side = Math.min(full.width || gd.clientWidth, full.height || gd.clientHeight);
    var zoom = map.zoom + Math.log2(side / SERVER_MIN_PX);
    if (!isFinite(zoom) || side < 100) return; // not laid out yet: next time
    gd._iocServerZoom = map.zoom;
    gd._iocFitted = zoom;
    window.Plotly.relayout(gd, {
      'map.zoom': zoom,
      showlegend: true,
      'legend.orientation': 'h',
      'legend.x': 0,
      'legend.y': 0,
      'legend.xanchor': 'left',
      'legend.yanchor': 'bottom',
      'legend.font.size': 11,
      'legend.bgcolor': 'rgba(10, 24, 48, 0.85)'
    }).then(function () {
      var subplot = gd._fullLayout.map && gd._fullLayout.map._subplot;
      if (subplot && subplot.map) subplot.map.setZoom(zoom); // the drawn map, too
    }, function () {
      gd._iocFitted = undefined; // the relayout failed: try again next time
    });
  }

  window.setInterval(function () {
    document.querySelectorAll('.overview-graph .js-plotly-plot').forEach(fit);
  }, 1000);
})();
