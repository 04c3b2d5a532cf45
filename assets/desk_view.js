/* When a row's "Xử lý" button opens the incident desk (/, /unit/<code>, /ioc/<code>), bring
   the desk into view once the server has filled it: on a wall it sits under the queue,
   often past the column's foot, and on a phone past the screen's. Nothing moves otherwise. */
(function () {
  var pending = 0;

  document.addEventListener('click', function (event) {
    if (event.target.closest && event.target.closest('.ioc-desk-open')) pending = Date.now();
  }, true);

  var settled = 0;  // once filled, parts that arrive later (the case part) may still grow it
  new MutationObserver(function () {
    if (!pending) return;
    var now = Date.now();
    if (now - pending > 15000 || (settled && now > settled)) { pending = settled = 0; return; }
    var desks = document.querySelectorAll('.ioc-desk:not([hidden])');
    for (var i = 0; i < desks.length; i++) {
      var title = desks[i].querySelector('.ioc-desk-title');
      if (title && title.textContent) {
        if (!settled) settled = now + 3000;
        desks[i].scrollIntoView({block: 'nearest'});
        return;
      }
    }
  }).observe(document.documentElement, {
    attributes: true, attributeFilter: ['hidden'], childList: true, subtree: true
  });
})();
