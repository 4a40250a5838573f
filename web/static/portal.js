/* soko merchant portal: a thin client of /portal/api/v1 (the merchant API
 * served to the portal session) and /portal (session, password reset,
 * users). Views are chosen by the URL's fragment: #stock, #orders,
 * #order/<no>, #products, #users, and those the section scripts
 * (portal_*.js: #inbounds, #sku, #developer, #statements, #account …)
 * register through SokoPortal. */
(function () {
  'use strict';
  var W = JSON.parse(document.getElementById('words').textContent);
  var lang = document.documentElement.lang;
  var API = '/portal/api/v1';
  var csrf = '', me = null;
  var $ = function (id) { return document.getElementById(id); };

  function t(key, args) {
    var s = W[key] || key;
    for (var k in args || {}) s = s.split('{' + k + '}').join(args[k]);
    return s;
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  // cell is a table cell carrying its column's name, which phones show beside it.
  function cell(tr, label, content, cls) {
    var td = el('td', null, cls);
    td.dataset.label = label;
    if (content instanceof Node) td.appendChild(content); else if (content != null) td.textContent = content;
    tr.appendChild(td);
    return td;
  }
  // api calls the portal; headers adds to the usual ones (If-Match), and
  // the answer carries the response's ETag.
  function api(method, path, body, headers) {
    var h = {Accept: 'application/json', 'Accept-Language': lang};
    if (body) h['Content-Type'] = 'application/json';
    if (csrf && method !== 'GET') h['X-CSRF-Token'] = csrf;
    for (var k in headers || {}) h[k] = headers[k];
    return fetch(path, {method: method, headers: h, body: body ? JSON.stringify(body) : undefined, credentials: 'same-origin'})
      .then(function (r) {
        return r.text().then(function (text) {
          var data = {};
          try { data = text ? JSON.parse(text) : {}; } catch (e) { /* keep the status */ }
          if (r.status === 401 && me) signedOut();
          return {ok: r.ok, status: r.status, data: data, etag: r.headers.get('ETag') || ''};
        });
      }, function () { return {ok: false, status: 0, data: {detail: t('offline')}}; });
  }
  function problem(a) {
    var d = a.data || {};
    var list = (d.errors || []).map(function (e) { return e.field + ': ' + e.message; }).join(' / ');
    return [d.detail || d.title || t('failed', {status: a.status}), list].filter(Boolean).join(' — ');
  }
  function say(kind, msg) {
    var r = $('result');
    r.className = kind;
    r.textContent = msg || '';
  }
  // markFields shows each refused field beside its input in form.
  function markFields(form, a) {
    form.querySelectorAll('.field-error').forEach(function (e) { e.remove(); });
    form.querySelectorAll('label.bad').forEach(function (e) { e.classList.remove('bad'); });
    ((a && a.data && a.data.errors) || []).forEach(function (e) {
      var name = e.field.split(/[.[]/)[0];
      if (name === 'barcodes') name = 'jan';
      var input = form.querySelector('[name="' + name + '"]');
      if (!input) return;
      input.parentNode.classList.add('bad');
      input.parentNode.appendChild(el('span', e.message, 'field-error'));
    });
  }
  function when(s) {
    if (!s) return '';
    var d = new Date(s);
    return d.toLocaleString(lang === 'en' ? 'en-GB' : 'ja-JP', {timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit'});
  }
  function may(scope) {
    return me && (me.scopes.length === 0 || me.scopes.indexOf(scope) >= 0);
  }
  function fill(tbody, rows, empty) {
    tbody.textContent = '';
    rows.forEach(function (tr) { tbody.appendChild(tr); });
    $(empty).hidden = rows.length > 0;
  }
  // all reads every page of a list, up to max items.
  function all(path, max) {
    var out = [];
    function page(cursor) {
      var sep = path.indexOf('?') < 0 ? '?' : '&';
      return api('GET', API + path + sep + 'limit=200' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '')).then(function (a) {
        if (!a.ok) throw a;
        out = out.concat(a.data.data);
        return a.data.next_cursor && out.length < max ? page(a.data.next_cursor) : out;
      });
    }
    return page('');
  }
  function failed(a) { say('error', problem(a)); }

  // --- signing in, out and setting a password ---------------------------
  function signedIn(s) {
    me = s;
    csrf = s.csrf_token;
    $('who').textContent = s.merchant_name + ' · ' + s.email;
    $('signout').hidden = false;
    $('v-signin').hidden = true;
    $('app').hidden = false;
    $('nav-users').hidden = s.role !== 'owner';
    document.querySelectorAll('.owner-only').forEach(function (e) { e.hidden = s.role !== 'owner'; });
    // Setting location.hash would route a second time on its hashchange.
    if (!location.hash) history.replaceState(null, '', '#stock');
    route();
  }
  function signedOut() {
    me = null; csrf = '';
    $('app').hidden = true;
    $('signout').hidden = true;
    $('totp-step').hidden = true;
    $('signin').hidden = false;
    $('who').textContent = '';
    $('v-signin').hidden = false;
  }
  $('signin').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = ev.target;
    api('POST', '/portal/session', {email: f.email.value, password: f.password.value}).then(function (a) {
      f.password.value = '';
      if (!a.ok) return failed(a);
      say('', '');
      // The password was right but a code must follow (portal_account.js).
      if (a.status === 202) return document.dispatchEvent(new CustomEvent('portal:second-factor', {detail: a.data}));
      signedIn(a.data);
    });
  });
  $('to-forgot').addEventListener('click', function (ev) {
    ev.preventDefault();
    $('signin').hidden = true; $('forgot').hidden = false;
  });
  $('to-signin').addEventListener('click', function (ev) {
    ev.preventDefault();
    $('signin').hidden = false; $('forgot').hidden = true;
  });
  $('forgot').addEventListener('submit', function (ev) {
    ev.preventDefault();
    api('POST', '/portal/password-reset', {email: ev.target.email.value}).then(function (a) {
      if (!a.ok) return failed(a);
      say('ok', t('link_sent'));
      $('signin').hidden = false; $('forgot').hidden = true;
    });
  });
  $('reset').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var token = location.hash.replace(/^#/, '');
    api('POST', '/portal/password-reset/confirm', {token: token, password: ev.target.password.value}).then(function (a) {
      if (!a.ok) return failed(a);
      history.replaceState(null, '', '/portal');
      say('ok', t('password_set'));
      $('v-reset').hidden = true;
      signedOut();
    });
  });
  $('signout').addEventListener('click', function () {
    api('DELETE', '/portal/session').then(function () { signedOut(); location.hash = ''; });
  });

  // --- views -----------------------------------------------------------
  // extra holds the views section scripts register: what showing one loads
  // (given the fragment after its name) and the nav link it comes under.
  var extra = {};
  var orderHooks = [];
  function show(view) {
    var nav = view === 'order' ? 'orders' : extra[view] ? extra[view].nav : view;
    document.querySelectorAll('.view').forEach(function (v) { v.hidden = v.id !== 'v-' + view; });
    document.querySelectorAll('nav a').forEach(function (a) {
      a.classList.toggle('current', a.getAttribute('href') === '#' + nav);
    });
  }
  function route() {
    if (!me) return;
    var h = decodeURIComponent(location.hash.replace(/^#/, ''));
    var parts = h.split('/');
    var view = parts[0] || 'stock';
    var load = {stock: loadStock, orders: loadOrders, order: function () { loadOrder(parts.slice(1).join('/')); },
      products: loadProducts, users: loadUsers}[view];
    if (!load && extra[view]) load = function () { extra[view].load(parts.slice(1).join('/')); };
    if (!load) { view = 'stock'; load = loadStock; }
    show(view);
    load();
  }
  window.addEventListener('hashchange', function () { say('', ''); route(); });

  function loadStock() {
    Promise.all([all('/stock', 2000), all('/inbounds?status=expected', 1000), all('/inbounds?status=receiving', 1000)]).then(function (r) {
      var coming = {};
      r[1].concat(r[2]).forEach(function (inb) {
        inb.lines.forEach(function (l) { coming[l.sku] = (coming[l.sku] || 0) + Math.max(0, l.quantity - (l.received || 0)); });
      });
      fill($('stock-table').tBodies[0], r[0].map(function (s) {
        var tr = el('tr');
        tr.dataset.sku = s.sku;
        var sku = el('a', s.sku);
        sku.href = '#sku/' + encodeURIComponent(s.sku);
        cell(tr, t('sku'), sku);
        cell(tr, t('name'), s.name);
        cell(tr, t('available'), s.available, 'n');
        cell(tr, t('allocated'), s.allocated, 'n');
        cell(tr, t('held'), s.held, 'n');
        cell(tr, t('inbound'), coming[s.sku] || 0, 'n');
        cell(tr, t('on_hand'), s.on_hand, 'n');
        var lots = (s.lots || []).filter(function (l) { return l.lot || l.expiry; }).map(function (l) {
          return (l.lot || '-') + (l.expiry ? ' (' + l.expiry + ')' : '') + ': ' + l.available + '/' + l.on_hand;
        }).join(', ');
        cell(tr, t('lots'), lots, 'lots');
        return tr;
      }), 'no-stock');
    }, failed);
  }

  var orderCursor = '';
  var statuses = ['received', 'backordered', 'allocated', 'picking', 'short', 'picked', 'inspected', 'packed', 'labeled', 'shipped', 'on_hold', 'cancel_requested', 'cancelled'];
  statuses.forEach(function (s) {
    var o = el('option', t('s_' + s));
    o.value = s;
    document.querySelector('#order-search select').appendChild(o);
  });
  function orderRow(o) {
    var tr = el('tr');
    var a = el('a', o.order_no);
    a.href = '#order/' + encodeURIComponent(o.order_no);
    cell(tr, t('order_no'), a);
    cell(tr, t('status'), el('span', t('s_' + o.status), 'status s_' + o.status));
    cell(tr, t('ordered_at'), when(o.ordered_at || o.created_at));
    cell(tr, t('lines'), o.lines.length, 'n');
    cell(tr, t('tracking'), (o.tracking_numbers || []).join(', '));
    return tr;
  }
  // orderLoads counts the searches asked for: only the last one's answer
  // is listed, so two quick searches do not list their rows twice.
  var orderLoads = 0;
  function loadOrders(more) {
    var mine = ++orderLoads;
    var f = $('order-search');
    var q = f.q.value.trim();
    var tbody = $('order-table').tBodies[0];
    if (!more) { orderCursor = ''; tbody.textContent = ''; }
    var path = API + '/orders?limit=50' + (f.status.value ? '&status=' + f.status.value : '') + (orderCursor ? '&cursor=' + encodeURIComponent(orderCursor) : '');
    var exact = q && !more ? api('GET', API + '/orders/' + encodeURIComponent(q)) : Promise.resolve({ok: false});
    Promise.all([exact, api('GET', path)]).then(function (r) {
      if (mine !== orderLoads) return;
      if (!r[1].ok) return failed(r[1]);
      var list = r[1].data.data.filter(function (o) { return !q || o.order_no.toUpperCase().indexOf(q.toUpperCase()) >= 0; });
      if (r[0].ok && !list.some(function (o) { return o.order_no === r[0].data.order_no; })) list.unshift(r[0].data);
      list.forEach(function (o) { tbody.appendChild(orderRow(o)); });
      orderCursor = r[1].data.next_cursor || '';
      $('orders-more').hidden = !orderCursor;
      $('no-orders').hidden = tbody.rows.length > 0;
    });
  }
  $('order-search').addEventListener('submit', function (ev) { ev.preventDefault(); loadOrders(false); });
  $('orders-more').addEventListener('click', function () { loadOrders(true); });

  function loadOrder(no) {
    var base = API + '/orders/' + encodeURIComponent(no);
    Promise.all([api('GET', base), api('GET', base + '/events'), api('GET', API + '/shipments?order_no=' + encodeURIComponent(no))]).then(function (r) {
      if (!r[0].ok) return failed(r[0]);
      var o = r[0].data;
      $('order-title').textContent = t('order_no') + ' ' + o.order_no;
      var st = $('order-status');
      st.textContent = t('s_' + o.status);
      st.className = 'status s_' + o.status;
      var to = o.ship_to;
      $('order-ship').textContent = to ? t('ship_to') + ': ' + [to.name, to.postal_code ? '〒' + to.postal_code.replace(/^(\d{3})(\d{4})$/, '$1-$2') : '', to.prefecture, to.city, to.address1, to.address2].filter(Boolean).join(' ') : '';
      var tbody = $('order-lines').tBodies[0];
      tbody.textContent = '';
      o.lines.forEach(function (l) {
        var tr = el('tr');
        cell(tr, t('sku'), l.sku);
        cell(tr, t('quantity'), l.quantity, 'n');
        cell(tr, t('allocated'), l.allocated || 0, 'n');
        cell(tr, t('picked'), l.picked || 0, 'n');
        var p = el('progress');
        p.max = l.quantity * 2;
        p.value = o.status === 'shipped' ? l.quantity * 2 : (l.allocated || 0) + (l.picked || 0);
        p.setAttribute('aria-label', t('progress'));
        cell(tr, t('progress'), p);
        tbody.appendChild(tr);
      });
      var ul = $('order-tracking');
      ul.textContent = '';
      ((r[2].ok && r[2].data.data) || []).forEach(function (s) {
        var li = el('li');
        var a = el('a', s.tracking_number);
        a.href = s.tracking_url;
        a.rel = 'noopener noreferrer';
        a.target = '_blank';
        li.appendChild(document.createTextNode(s.carrier + ' '));
        li.appendChild(a);
        if (s.delivery_status) li.appendChild(document.createTextNode(' · ' + s.delivery_status));
        ul.appendChild(li);
      });
      if (!ul.children.length) (o.tracking_numbers || []).forEach(function (n) { ul.appendChild(el('li', n)); });
      var ol = $('order-timeline');
      ol.textContent = '';
      ((r[1].ok && r[1].data.data) || []).forEach(function (e) {
        var li = el('li');
        li.appendChild(el('time', when(e.at)));
        var what = e.to ? t('s_' + e.to) : e.type;
        li.appendChild(document.createTextNode(what + (e.detail ? ' — ' + e.detail : '')));
        ol.appendChild(li);
      });
      orderHooks.forEach(function (fn) { fn(o, r[0].etag); });
    });
  }

  function loadProducts() {
    $('product-form').hidden = !may('products');
    all('/products', 2000).then(function (list) {
      fill($('product-table').tBodies[0], list.map(function (p) {
        var tr = el('tr');
        cell(tr, t('sku'), p.sku);
        cell(tr, t('name'), p.name);
        cell(tr, t('price'), p.price, 'n');
        cell(tr, t('jan'), (p.barcodes || []).map(function (b) { return b.code; }).join(', '));
        if (may('products')) {
          var b = el('button', t('edit'));
          b.type = 'button';
          b.addEventListener('click', function () { editProduct(p); });
          cell(tr, '', b);
        } else cell(tr, '', null);
        return tr;
      }), 'no-products');
    }, failed);
  }
  var editing = null;
  function editProduct(p) {
    var f = $('product-form');
    editing = p;
    f.sku.value = p.sku;
    f.name.value = p.name;
    f.price.value = p.price;
    f.tax_rate.value = String(p.tax_rate);
    f.jan.value = (p.barcodes && p.barcodes[0] && p.barcodes[0].code) || '';
    f.weight_grams.value = p.weight_grams || '';
    f.reorder_point.value = p.reorder_point || '';
    f.name.focus();
  }
  $('product-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = ev.target;
    var sku = f.sku.value.trim();
    var body = {};
    if (editing && editing.sku === sku) {
      // Keep what the form does not show as it is.
      ['weight_grams', 'length_mm', 'width_mm', 'height_mm', 'track_lot', 'track_expiry', 'stock_buffer', 'barcodes'].forEach(function (k) {
        if (editing[k] != null) body[k] = editing[k];
      });
    }
    body.name = f.name.value.trim();
    body.price = parseInt(f.price.value, 10) || 0;
    body.tax_rate = parseInt(f.tax_rate.value, 10);
    var jan = f.jan.value.trim();
    var others = (body.barcodes || []).slice(1);
    body.barcodes = jan ? [{code: jan, pack_quantity: 1}].concat(others) : others;
    if (f.weight_grams.value) body.weight_grams = parseInt(f.weight_grams.value, 10);
    if (f.reorder_point.value) body.reorder_point = parseInt(f.reorder_point.value, 10);
    api('PUT', API + '/products/' + encodeURIComponent(sku), body).then(function (a) {
      markFields(f, a);
      if (!a.ok) return failed(a);
      say('ok', t('saved'));
      editing = null;
      f.reset();
      loadProducts();
    });
  });

  function loadUsers() {
    api('GET', '/portal/users').then(function (a) {
      if (!a.ok) return failed(a);
      var tbody = $('user-table').tBodies[0];
      tbody.textContent = '';
      a.data.data.forEach(function (u) {
        var tr = el('tr');
        cell(tr, t('email'), u.email);
        cell(tr, t('role'), t('role_' + u.role));
        cell(tr, t('active'), u.active ? '✓' : '—');
        cell(tr, t('totp'), u.totp_enabled ? t('totp_on') : t('totp_off'));
        tbody.appendChild(tr);
      });
    });
  }
  $('invite-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = ev.target;
    api('POST', '/portal/users', {email: f.email.value.trim(), role: f.role.value}).then(function (a) {
      markFields(f, a);
      if (!a.ok) return failed(a);
      say('ok', t('invited', {email: a.data.email}));
      f.reset();
      loadUsers();
    });
  });

  // --- what section scripts share ----------------------------------------
  window.SokoPortal = {
    // register adds a view: its <section id="v-name">, what showing it
    // loads (given the fragment after #name/) and the nav link it comes under.
    register: function (name, load, nav) { extra[name] = {load: load, nav: nav || name}; },
    // onOrder runs fn(order, etag) each time the order view shows an order.
    onOrder: function (fn) { orderHooks.push(fn); },
    me: function () { return me; },
    signedIn: signedIn,
    reloadOrder: function (no) { loadOrder(no); },
    csrf: function () { return csrf; },
    API: API, lang: lang, problem: problem, api: api, t: t, el: el, cell: cell, say: say, failed: failed, markFields: markFields, when: when, may: may, fill: fill, all: all
  };

  // --- start -------------------------------------------------------------
  if (location.pathname === '/portal/reset') {
    $('v-reset').hidden = false;
    return;
  }
  api('GET', '/portal/session').then(function (a) {
    if (a.ok) signedIn(a.data); else signedOut();
  });
})();
