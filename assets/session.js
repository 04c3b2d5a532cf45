/* When the session ends while a page is open (its 12 hours are up, it was signed out
   elsewhere, the account was disabled), the next callback is answered 401: go to the
   sign-in page, and back here afterwards, instead of leaving a stale screen. */
(function () {
  var send = window.fetch;
  var leaving = false;
  window.fetch = function (resource) {
    return send.apply(this, arguments).then(function (response) {
      var url = String((resource && resource.url) || resource);
      if (response.status === 401 && url.indexOf('/_dash-') !== -1 && !leaving) {
        leaving = true;
        var here = window.location.pathname + window.location.search;
        window.location.assign('/login?next=' + encodeURIComponent(here));
      }
      return response;
    });
  };
})();
