/* The digital-transformation board on a wall (/chuyen-doi-so, digital.css) must fit one
   screen. Its sizes are drawn for the shipped indicators with room to spare; when a
   province's figures fill more than five columns hold, the board's unit (--fit, 1 at
   first) is made smaller a step at a time, down to 0.8, until no column is left over the
   right edge; if that is not enough, the tiles leave out their details (the sources of
   earlier years and the units' values: data-compact) and shrink again, down to 0.7.
   Measured again when the tiles or the screen change; on a phone the board scrolls and is
   left alone. data-fit on the board says the factor in use. */
(function () {
  var STEP = 0.04;
  var last = '';

  function overflows(board) {
    return board.scrollWidth > board.clientWidth + 1 || board.scrollHeight > board.clientHeight + 1;
  }

  function fit(board) {
    var page = board.closest('.cds');
    var wall = getComputedStyle(board).columnCount !== 'auto';
    var seen = [window.innerWidth, window.innerHeight, board.childElementCount,
      board.textContent.length, wall].join(' ');
    if (seen === last) return;
    last = seen;
    delete board.dataset.compact;
    var factor = shrink(page, board, wall ? 0.8 : 1);
    if (wall && overflows(board)) {
      board.dataset.compact = '1';
      factor = shrink(page, board, 0.7);
    }
    board.dataset.fit = factor.toFixed(2);
  }

  function shrink(page, board, lowest) {
    var factor = 1;
    page.style.setProperty('--fit', '1');
    while (factor > lowest + 1e-9 && overflows(board)) {
      factor = Math.max(lowest, factor - STEP);
      page.style.setProperty('--fit', String(factor));
    }
    return factor;
  }

  window.setInterval(function () {
    var board = document.querySelector('.cds-board');
    if (board && board.querySelector('.cds-card')) fit(board);
    else last = '';
  }, 500);
})();
