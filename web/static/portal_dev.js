/* soko merchant portal: the developer page (#developer, owners only). The
 * merchant's API keys (/portal/api-keys: made with scopes, the secret shown
 * once, revoked), its webhook endpoints (/webhook-endpoints: added, switched
 * on and off, secret rotated, removed) and the delivery log
 * (/webhook-deliveries) with redelivery. A secret lives only on screen,
 * in the answer that made it: reading the page again never shows it. */
(function () {
  'use strict';
  var P = window.SokoPortal;
  var t = P.t, el = P.el, api = P.api, cell = P.cell;
  function $(id) { return document.getElementById(id); }
  var scopes = ['read', 'orders', 'products', 'inbounds', 'webhooks'];
  var events = t('wh_event_list').split(' ');

  function checkboxes(box, name, values, label) {
    values.forEach(function (v) {
      var l = el('label', null, 'check');
      var c = el('input');
      c.type = 'checkbox';
      c.name = name;
      c.value = v;
      l.appendChild(c);
      l.appendChild(document.createTextNode(' ' + label(v)));
      box.appendChild(l);
    });
  }
  checkboxes($('key-scopes'), 'scopes', scopes, function (s) { return t('scope_' + s); });
  checkboxes($('hook-events'), 'event_types', events, function (e) { return e; });
  function checked(form, name) {
    return Array.prototype.filter.call(form.querySelectorAll('[name="' + name + '"]'), function (c) { return c.checked; })
      .map(function (c) { return c.value; });
  }
  // secret shows a secret once, with what to do with it.
  function secret(what, value) {
    var box = $('dev-secret');
    box.textContent = '';
    box.appendChild(el('p', t('secret_once', {what: what})));
    var code = el('code', value);
    code.id = 'dev-secret-value';
    box.appendChild(code);
    box.hidden = false;
  }
  function button(text, onClick) {
    var b = el('button', text);
    b.type = 'button';
    b.addEventListener('click', onClick);
    return b;
  }
  // twice asks for a second press before an action that cannot be undone.
  function twice(b, key, then) {
    if (!b.dataset.armed) {
      b.dataset.armed = '1';
      b.classList.add('armed');
      P.say('error', t(key));
      setTimeout(function () { delete b.dataset.armed; b.classList.remove('armed'); }, 4000);
      return;
    }
    then();
  }

  function load() {
    $('dev-secret').hidden = true;
    $('dev-secret').textContent = '';
    loadKeys();
    loadHooks();
    loadDeliveries();
  }

  function loadKeys() {
    api('GET', '/portal/api-keys').then(function (a) {
      if (!a.ok) return P.failed(a);
      P.fill($('key-table').tBodies[0], a.data.data.map(function (k) {
        var tr = el('tr');
        tr.dataset.key = k.id;
        cell(tr, t('key_name'), k.name || '—');
        cell(tr, t('key_prefix'), el('code', k.prefix));
        cell(tr, t('key_scopes'), (k.scopes || []).length ? k.scopes.map(function (s) { return t('scope_' + s); }).join(', ') : t('scope_all'));
        cell(tr, t('key_created'), P.when(k.created_at));
        cell(tr, t('key_used'), P.when(k.last_used_at) || '—');
        var state = k.revoked ? t('key_revoked') : k.expired ? t('key_expired') : t('key_active');
        cell(tr, t('status'), state);
        if (!k.revoked) {
          var b = button(t('revoke'), function () {
            twice(b, 'confirm_revoke', function () {
              api('POST', '/portal/api-keys/' + k.id + '/revoke').then(function (r) {
                if (!r.ok) return P.failed(r);
                P.say('ok', t('done_revoke', {prefix: k.prefix}));
                loadKeys();
              });
            });
          });
          b.className = 'revoke';
          cell(tr, '', b);
        } else cell(tr, '', null);
        return tr;
      }), 'no-keys');
    });
  }
  $('key-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = ev.target;
    var body = {name: f.elements.name.value.trim(), scopes: checked(f, 'scopes')};
    if (f.elements.expires.value) body.expires_at = f.elements.expires.value + 'T23:59:59+09:00';
    api('POST', '/portal/api-keys', body).then(function (a) {
      P.markFields(f, a);
      if (!a.ok) return P.failed(a);
      P.say('ok', t('key_made'));
      secret(t('api_key'), a.data.secret);
      f.reset();
      loadKeys();
    });
  });

  var hooks = [];
  function loadHooks() {
    api('GET', P.API + '/webhook-endpoints').then(function (a) {
      if (!a.ok) return P.failed(a);
      hooks = a.data.data;
      var filter = $('delivery-endpoint');
      var keep = filter.value;
      filter.textContent = '';
      filter.appendChild(el('option', t('all'))).value = '';
      hooks.forEach(function (h) { filter.appendChild(el('option', h.url)).value = String(h.id); });
      filter.value = keep;
      P.fill($('hook-table').tBodies[0], hooks.map(function (h) {
        var tr = el('tr');
        tr.dataset.endpoint = h.id;
        cell(tr, t('hook_url'), h.url, 'url');
        cell(tr, t('hook_events'), h.event_types.length ? h.event_types.join(', ') : t('hook_all_events'));
        cell(tr, t('key_prefix'), el('code', h.secret_prefix));
        cell(tr, t('status'), h.enabled ? t('hook_on') : t('hook_off'));
        var acts = el('div', null, 'row');
        function put(extra, done) {
          var body = {url: h.url, enabled: h.enabled, event_types: h.event_types};
          for (var k in extra) body[k] = extra[k];
          api('PUT', P.API + '/webhook-endpoints/' + h.id, body).then(function (r) {
            if (!r.ok) return P.failed(r);
            P.say('ok', t(done));
            if (r.data.secret) secret(t('hook_secret'), r.data.secret);
            loadHooks();
          });
        }
        acts.appendChild(button(h.enabled ? t('hook_disable') : t('hook_enable'), function () { put({enabled: !h.enabled}, 'saved'); }));
        var rot = button(t('hook_rotate'), function () { twice(rot, 'confirm_rotate', function () { put({rotate_secret: true}, 'hook_rotated'); }); });
        acts.appendChild(rot);
        var del = button(t('hook_delete'), function () {
          twice(del, 'confirm_delete', function () {
            api('DELETE', P.API + '/webhook-endpoints/' + h.id).then(function (r) {
              if (!r.ok) return P.failed(r);
              P.say('ok', t('hook_deleted'));
              loadHooks();
            });
          });
        });
        acts.appendChild(del);
        cell(tr, '', acts);
        return tr;
      }), 'no-hooks');
    });
  }
  $('hook-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = ev.target;
    api('POST', P.API + '/webhook-endpoints', {url: f.elements.url.value.trim(), event_types: checked(f, 'event_types')}).then(function (a) {
      P.markFields(f, a);
      if (!a.ok) return P.failed(a);
      P.say('ok', t('hook_made'));
      secret(t('hook_secret'), a.data.secret);
      f.reset();
      loadHooks();
    });
  });

  // As with the orders (portal.js), only the last load's answer is listed.
  var deliveryCursor = '', deliveryLoads = 0;
  function loadDeliveries(more) {
    var mine = ++deliveryLoads;
    var f = $('delivery-filter');
    var tbody = $('delivery-table').tBodies[0];
    if (!more) { deliveryCursor = ''; tbody.textContent = ''; }
    var q = '?limit=50' + (f.elements.status.value ? '&status=' + f.elements.status.value : '') +
      (f.elements.endpoint.value ? '&endpoint_id=' + f.elements.endpoint.value : '') + (deliveryCursor ? '&cursor=' + encodeURIComponent(deliveryCursor) : '');
    api('GET', P.API + '/webhook-deliveries' + q).then(function (a) {
      if (mine !== deliveryLoads) return;
      if (!a.ok) return P.failed(a);
      a.data.data.forEach(function (d) { tbody.appendChild(deliveryRow(d)); });
      deliveryCursor = a.data.next_cursor || '';
      $('deliveries-more').hidden = !deliveryCursor;
      $('no-deliveries').hidden = tbody.rows.length > 0;
    });
  }
  function deliveryRow(d) {
    var tr = el('tr');
    tr.dataset.delivery = d.id;
    var ep = hooks.filter(function (h) { return h.id === d.endpoint_id; })[0];
    cell(tr, t('delivery_at'), P.when(d.created_at));
    cell(tr, t('delivery_event'), d.event_type + (d.order_no ? ' (' + d.order_no + ')' : ''));
    cell(tr, t('hook_url'), ep ? ep.url : '—', 'url');
    cell(tr, t('status'), el('span', t('d_' + d.status), 'status d_' + d.status));
    cell(tr, t('delivery_attempts'), d.attempts, 'n');
    cell(tr, t('delivery_error'), d.last_error || '');
    var b = button(t('redeliver'), function () {
      api('POST', P.API + '/webhook-deliveries/' + d.id + '/redeliver').then(function (r) {
        if (!r.ok) return P.failed(r);
        P.say('ok', t('done_redeliver', {event: d.event_type}));
        tr.replaceWith(deliveryRow(r.data));
      });
    });
    b.className = 'redeliver';
    // A pending delivery is being sent: only a finished one goes again.
    cell(tr, '', d.endpoint_id && d.status !== 'pending' ? b : null);
    return tr;
  }
  $('delivery-filter').addEventListener('submit', function (ev) { ev.preventDefault(); loadDeliveries(false); });
  $('deliveries-more').addEventListener('click', function () { loadDeliveries(true); });

  P.register('developer', load);
})();
