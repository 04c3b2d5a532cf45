/* A queue in a column of fixed height (the overview's incidents and unit ranking on a wall)
   shows only the rows that fit whole: a row the column would cut is hidden rather than shown
   half (the counters and the map still count it; data-hidden-rows says how many, and the
   incident queue says "+N"). On a phone the page scrolls, so nothing is hidden there.
   Checked once a second, like the map fit. */
(function () {
  var QUEUES = [
    { selector: '#overview-incidents .ioc-incidents', row: 'ioc-incident', tell: true },
    { selector: '#overview-ranking .ioc-ranking', row: 'ioc-rank', tell: false },
  ];

  function fit(list, queue) {
    var box = list.parentElement.getBoundingClientRect();
    var rows = Array.prototype.filter.call(list.children, function (li) {
      return li.classList.contains(queue.row);
    });
    var hidden = 0;
    rows.forEach(function (li) {
      li.style.display = '';
    });
    if (window.innerWidth < 700) {
      if (queue.tell) tell(list, 0);
      return;
    }
    rows.forEach(function (li) {
      if (hidden || li.getBoundingClientRect().bottom > box.bottom + 1) {
        li.style.display = 'none';
        hidden += 1;
      }
    });
    list.dataset.hiddenRows = String(hidden);
    if (queue.tell) tell(list, hidden);
  }

  // The server's "and N more" line counts what it did not send; add what is hidden here.
  // With no such line, a language-free "+N" says that rows are not shown.
  function tell(list, hidden) {
    var more = list.querySelector('.ioc-more');
    if (more && more.dataset.serverText === undefined) more.dataset.serverText = more.textContent;
    if (more && more.dataset.serverText !== undefined && !more.dataset.added) {
      var sent = more.dataset.serverText;
      more.textContent = sent.replace(/\d+/, function (n) {
        return String(Number(n) + hidden);
      });
      return;
    }
    if (!more && hidden) {
      more = document.createElement('li');
      more.className = 'ioc-more';
      more.dataset.added = '1';
      list.appendChild(more);
    }
    if (more && more.dataset.added) {
      more.textContent = '+' + hidden;
      more.style.display = hidden ? '' : 'none';
    }
  }

  window.setInterval(function () {
    QUEUES.forEach(function (queue) {
      document.querySelectorAll(queue.selector).forEach(function (list) {
        fit(list, queue);
      });
    });
  }, 1000);
})();
