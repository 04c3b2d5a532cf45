/* On a 4K wall every page but the wall page and the digital board is drawn at zoom 2
   (ioc.css), so each CSS pixel covers two screen pixels each way. The maps draw on a
   canvas sized in CSS pixels times devicePixelRatio, which stays 1 there: they would be
   drawn at 1080p and stretched. Report the two pixels the screen really has while such a
   page is shown, so the maps draw at the wall's own resolution. */
(function () {
  var real = Object.getOwnPropertyDescriptor(window, 'devicePixelRatio');
  if (!real || !real.get) return;
  var wall = window.matchMedia('(min-width: 3200px) and (min-height: 1800px)');
  Object.defineProperty(window, 'devicePixelRatio', {
    configurable: true,
    get: function () {
      var ratio = real.get.call(window);
      if (ratio >= 2 || !wall.matches) return ratio;
      var zoomed = document.querySelector('.shell:not(:has(.wall, .cds))');
      return zoomed ? 2 * ratio : ratio;
    }
  });
})();
