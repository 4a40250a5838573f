/* soko handheld kitting (キッティング, 集合包装), loaded by hh.js the first
 * time the menu is opened so that the handheld's first load stays light;
 * the service worker keeps it like the other content-hashed files. The
 * worker opens a task, scans a shelf and the components taken from it
 * (one unit a scan), and when every component is there scans the shelf
 * where the kits go: one request then books components out and kits in. */
(function () {
  'use strict';
  var O = SokoOps, api = O.api, say = O.say;
  var W = {
    ja: {
      choose: 'キッティング作業を選んでください', none: '作業はありません', kits: 'キット {n} 個 → {loc}',
      scan_shelf: '構成品を取る棚をスキャンしてください', scan_items: '{loc} の構成品をスキャンしてください',
      scan_dest: 'キットを作り、置き場所 {loc} をスキャンしてください', from: '取り出し', item: '構成品', got: '数',
      added: '{name} {got}/{need}', over: '{name} は {need} 個で足ります', unknown: '{code} は構成品でも棚でもありません',
      shelf: '棚 {loc}', done: 'キット {n} 個を {loc} に置きました', menu: '作業一覧'
    },
    en: {
      choose: 'Choose a kitting task', none: 'No kitting tasks', kits: '{n} kits → {loc}',
      scan_shelf: 'Scan the shelf you take components from', scan_items: 'Scan the components taken from {loc}',
      scan_dest: 'Assemble the kits and scan where they go: {loc}', from: 'From', item: 'Component', got: 'Got',
      added: '{name} {got}/{need}', over: '{name}: {need} is enough', unknown: '{code} is neither a component nor a shelf',
      shelf: 'Shelf {loc}', done: '{n} kits put at {loc}', menu: 'Task list'
    }
  };
  var words = W[O.lang] || W.ja, hh, k = null;
  function t(key, args) {
    var s = words[key];
    for (var a in args || {}) s = s.split('{' + a + '}').join(args[a]);
    return s;
  }
  function box() { return hh.$('v-kit'); }
  function show(msg) { hh.$('prompt').textContent = msg; }

  function start(h) {
    hh = h;
    k = null;
    var list = hh.el('ul', 'list');
    box().replaceChildren(list);
    show(t('choose'));
    api('GET', '/ops/kitting-tasks').then(function (a) {
      if (hh.failed(a)) return;
      if (!a.data.length) list.appendChild(hh.el('li', 'muted', t('none')));
      a.data.forEach(function (task) {
        var b = hh.el('button', 'item');
        b.type = 'button';
        b.dataset.id = task.id;
        b.append(hh.el('b', '', task.name), hh.el('span', '', task.sku), hh.el('span', 'count', t('kits', {n: task.quantity, loc: task.location})));
        b.onclick = function () { open(task.id); };
        var li = hh.el('li');
        li.appendChild(b);
        list.appendChild(li);
      });
    });
  }

  function open(id) {
    api('GET', '/ops/kitting-tasks/' + id).then(function (a) {
      if (hh.failed(a)) return;
      k = {task: a.data, from: null, got: {}, picks: {}};
      render();
    });
  }
  function left() {
    return k.task.components.some(function (c) { return (k.got[c.sku] || 0) < c.quantity; });
  }
  function render() {
    var task = k.task, head = hh.el('div', 'card'), table = hh.el('table'), body = hh.el('tbody'), back = hh.el('button', '', t('menu'));
    head.append(hh.el('b', '', task.name), hh.el('small', '', ' ' + task.sku), hh.el('p', '', t('kits', {n: task.quantity, loc: task.location})));
    var tr = hh.el('tr');
    [t('item'), t('from'), t('got')].forEach(function (h, i) { tr.appendChild(hh.el('th', i === 2 ? 'n' : '', h)); });
    table.append(hh.el('thead'), body);
    table.tHead.appendChild(tr);
    task.components.forEach(function (c) {
      var row = hh.el('tr'), name = hh.el('td');
      row.dataset.sku = c.sku;
      name.append(hh.el('span', '', c.name), hh.el('small', '', ' ' + c.sku));
      row.append(name, hh.el('td', '', c.from.map(function (f) { return f.location; }).join(' ')), hh.el('td', 'n', (k.got[c.sku] || 0) + '/' + c.quantity));
      body.appendChild(row);
    });
    back.type = 'button';
    back.onclick = function () { start(hh); };
    box().replaceChildren(head, table, back);
    hh.focus();
    if (!left()) show(t('scan_dest', {loc: task.location}));
    else show(k.from ? t('scan_items', {loc: k.from}) : t('scan_shelf'));
  }

  function scan(code) {
    if (!k) return;
    var c = null;
    k.task.components.forEach(function (x) { if (x.sku === code || x.barcodes.indexOf(code) >= 0) c = x; });
    if (c && k.from) {
      var got = k.got[c.sku] || 0;
      if (got >= c.quantity) { say('warn', t('over', {name: c.name, need: c.quantity})); return; }
      k.got[c.sku] = got + 1;
      var key = c.sku + '\u0000' + k.from;
      k.picks[key] = k.picks[key] || {sku: c.sku, location: k.from, units: 0};
      k.picks[key].units++;
      render();
      say('ok', t('added', {name: c.name, got: got + 1, need: c.quantity}));
      return;
    }
    if (c) { say('warn', t('scan_shelf')); return; }
    api('GET', '/ops/locations/' + encodeURIComponent(code)).then(function (a) {
      if (a.status === 404) { say('error', t('unknown', {code: code})); return; }
      if (hh.failed(a)) return;
      if (left()) {
        k.from = a.data.code;
        render();
        say('ok', t('shelf', {loc: k.from}));
        return;
      }
      finish(a.data.code);
    });
  }
  function finish(loc) {
    var picks = Object.keys(k.picks).map(function (key) { return k.picks[key]; });
    api('POST', '/ops/kitting-tasks/' + k.task.id + '/complete', {location: loc, picks: picks}).then(function (a) {
      if (hh.failed(a)) return;
      var n = a.data.quantity;
      start(hh);
      say('ok', t('done', {n: n, loc: a.data.location}));
    });
  }

  window.SokoKit = {start: start, scan: scan};
})();
