/* soko merchant portal: what a shop does to one of its orders (#order/<no>):
 * hold, release, cancel and change the address. Each is the merchant API's
 * own operation (holdOrder, releaseOrder, cancelOrder, changeOrder with the
 * order's ETag as If-Match), so the API's rules decide and its refusals
 * (picking has started, the warehouse holds it, changed meanwhile) are what
 * the shop reads. */
(function () {
  'use strict';
  var P = window.SokoPortal;
  var t = P.t, el = P.el, api = P.api;
  function $(id) { return document.getElementById(id); }
  // done is where the shop cannot act any more: gone, or going.
  var done = ['shipped', 'cancelled', 'cancel_requested'];
  var addressFields = ['name', 'postal_code', 'prefecture', 'city', 'address1', 'address2', 'phone'];

  function actions(o, etag) {
    var box = $('order-actions');
    box.textContent = '';
    $('order-address').hidden = true;
    if (!P.may('orders') || done.indexOf(o.status) >= 0) return;
    var early = ['received', 'backordered', 'allocated'].indexOf(o.status) >= 0;
    var base = P.API + '/orders/' + encodeURIComponent(o.order_no);
    function act(key, path, body, confirm) {
      var b = el('button', t(key));
      b.type = 'button';
      b.id = 'order-' + key;
      b.addEventListener('click', function () {
        if (confirm && !b.dataset.armed) {
          b.dataset.armed = '1';
          b.classList.add('armed');
          P.say('error', t('confirm_' + key));
          setTimeout(function () { delete b.dataset.armed; b.classList.remove('armed'); }, 4000);
          return;
        }
        api('POST', base + path, body).then(function (a) {
          if (!a.ok) { P.failed(a); return P.reloadOrder(o.order_no); }
          // Once picking has started a cancellation is a request to the warehouse.
          P.say('ok', t(a.data.status === 'cancel_requested' ? 'done_cancel_requested' : 'done_' + key, {no: o.order_no}));
          P.reloadOrder(o.order_no);
        });
      });
      box.appendChild(b);
    }
    if (early) act('hold', '/hold', {reason: 'merchant'});
    if (o.status === 'on_hold' && o.hold && o.hold.reason !== 'warehouse') act('release', '/release', null);
    // Picking may start any moment: the API says whether the address can
    // still change, and why not.
    var change = el('button', t('change_address'));
    change.type = 'button';
    change.id = 'order-change-address';
    change.addEventListener('click', function () { openAddress(o, etag); });
    box.appendChild(change);
    act('cancel', '/cancel', null, true);
  }

  var kept = {};
  function openAddress(o, etag) {
    var f = $('order-address');
    kept = o.ship_to || {};
    f.dataset.order = o.order_no;
    f.dataset.etag = etag;
    addressFields.forEach(function (k) { f.elements[k].value = (o.ship_to && o.ship_to[k]) || ''; });
    P.markFields(f, null);
    f.hidden = false;
    f.elements.name.focus();
  }
  $('order-address').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = ev.target, no = f.dataset.order;
    // ship_to is replaced whole: what the form does not show (company,
    // email) stays as it was.
    var to = {};
    ['company', 'email'].forEach(function (k) { if (kept[k]) to[k] = kept[k]; });
    addressFields.forEach(function (k) {
      var v = f.elements[k].value.trim();
      if (v) to[k] = v;
    });
    var headers = f.dataset.etag ? {'If-Match': f.dataset.etag} : {};
    api('PATCH', P.API + '/orders/' + encodeURIComponent(no), {ship_to: to}, headers).then(function (a) {
      // The API names the address's fields ship_to.city and so on.
      var errs = ((a.data && a.data.errors) || []).map(function (e) { return {field: e.field.replace(/^ship_to\./, ''), message: e.message}; });
      P.markFields(f, {data: {errors: errs}});
      if (!a.ok) {
        P.failed(a);
        if (a.status === 409 || a.status === 412) P.reloadOrder(no);
        return;
      }
      P.say('ok', t('done_address', {no: no}));
      P.reloadOrder(no);
    });
  });
  $('order-address-cancel').addEventListener('click', function () { $('order-address').hidden = true; });

  P.onOrder(actions);
})();
