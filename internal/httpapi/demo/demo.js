// The demo page's use of the widget's JavaScript API (web-widget/README.md).
// It runs before widget.js (a plain script, widget.js is async): first the
// queue stub the README gives, so the calls below work before the widget
// has loaded, then the page's buttons. Served by the node at /demo.js; the
// page's CSP allows scripts of its own origin only, so nothing is inline.
(function (w, c) {
  c = w.ChatDesk = w.ChatDesk || {};
  c.q = c.q || [];
  'open close toggle show hide setUser setFields reset on off'.split(' ').forEach(function (m) {
    c[m] = c[m] || function () { c.q.push([m, arguments]); };
  });
})(window);

(function () {
  var log = function (name, data) {
    var list = document.getElementById('events');
    if (!list) return;
    var li = document.createElement('li');
    li.textContent = new Date().toLocaleTimeString('vi-VN') + '  ' + name + (data === undefined ? '' : '  ' + JSON.stringify(data));
    list.appendChild(li);
    list.scrollTop = list.scrollHeight;
  };
  ['ready', 'open', 'close', 'message', 'unread'].forEach(function (ev) {
    window.ChatDesk.on(ev, function (data) { log(ev, data); });
  });

  document.addEventListener('DOMContentLoaded', function () {
    var val = function (id) { return document.getElementById(id).value.trim(); };
    document.getElementById('user').addEventListener('submit', function (e) {
      e.preventDefault();
      var u = { name: val('u-name'), phone: val('u-phone'), email: val('u-email'), userId: val('u-id'), hash: val('u-hash') };
      window.ChatDesk.setUser(u);
      log('setUser', u);
    });
    document.getElementById('fields').addEventListener('submit', function (e) {
      e.preventDefault();
      var f = {};
      f[val('f-key')] = val('f-value');
      window.ChatDesk.setFields(f);
      log('setFields', f);
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-call]'), function (b) {
      b.addEventListener('click', function () {
        window.ChatDesk[b.getAttribute('data-call')]();
        log(b.getAttribute('data-call') + '()');
      });
    });
  });
})();
