/* soko floor pages' shared client of the /ops API (handheld, dock, station,
 * console): the page's words from #words, JSON calls carrying the staff
 * session's CSRF token, and how a refusal reads. Loaded before the page's
 * own script. */
(function () {
  'use strict';
  var W = JSON.parse(document.getElementById('words').textContent);
  var lang = document.documentElement.lang;
  var csrf = '';

  // t is the page's word for key, with {name}-style holes filled from args.
  function t(key, args) {
    var s = W[key] || key;
    for (var k in args || {}) s = s.split('{' + k + '}').join(args[k]);
    return s;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  // api sends body as JSON, or a Blob (a chosen file) as it is with its
  // type, and answers {ok, status, data}; offline when nothing came back.
  function api(method, path, body, type) {
    var h = {Accept: 'application/json', 'Accept-Language': lang};
    var raw = typeof Blob !== 'undefined' && body instanceof Blob;
    if (body) h['Content-Type'] = raw ? type : 'application/json';
    if (csrf && method !== 'GET') h['X-CSRF-Token'] = csrf;
    return fetch(path, {method: method, headers: h, body: body ? (raw ? body : JSON.stringify(body)) : undefined, credentials: 'same-origin'})
      .then(function (r) {
        return r.text().then(function (text) {
          var data = {};
          try { data = text ? JSON.parse(text) : {}; } catch (e) { /* keep the status */ }
          return {ok: r.ok, status: r.status, data: data};
        });
      }, function () { return {ok: false, status: 0, offline: true, data: {detail: t('offline')}}; });
  }
  // scanHeaders are what SokoScan sends with each scan.
  function scanHeaders() {
    return csrf ? {'Accept-Language': lang, 'X-CSRF-Token': csrf} : {'Accept-Language': lang};
  }
  // problem is a refusal as one line; withFields puts each field's name first.
  function problem(a, withFields) {
    var d = a.data || {};
    if (d.detail) return d.detail;
    if (d.errors && d.errors.length) {
      return d.errors.map(function (e) { return (withFields ? e.field + ': ' : '') + e.message; }).join(' / ');
    }
    return d.title || t('failed', {status: a.status});
  }
  function fields(a) {
    return ((a.data && a.data.errors) || []).map(function (e) { return e.field; });
  }
  // twice arms a button so that only a second press within 4 s acts; warn
  // tells the user why the first press did nothing.
  function twice(btn, warn, act) {
    if (btn.dataset.armed) {
      delete btn.dataset.armed;
      btn.classList.remove('armed');
      act();
      return;
    }
    btn.dataset.armed = '1';
    btn.classList.add('armed');
    warn();
    setTimeout(function () { delete btn.dataset.armed; btn.classList.remove('armed'); }, 4000);
  }

  // say shows an answer in #result in its colour, with the scanner's sound
  // and vibration ("ok warn" sounds as a warning).
  function say(kind, msg) {
    var r = document.getElementById('result');
    r.className = kind;
    r.textContent = msg;
    if (window.SokoScan) SokoScan.signal(kind.split(' ').pop());
  }
  // keyboard makes btn switch input between the scanner (no on-screen
  // keyboard) and typing.
  function keyboard(btn, input) {
    btn.onclick = function () {
      input.inputMode = input.inputMode === 'none' ? 'text' : 'none';
      input.blur();
      input.focus();
    };
  }

  // device names this device in every scan it records, the same name across
  // visits: prefix and a random part, kept in localStorage under key.
  function device(prefix, key) {
    var d = prefix + Math.random().toString(36).slice(2, 8).toUpperCase();
    try {
      d = localStorage.getItem(key) || d;
      localStorage.setItem(key, d);
    } catch (e) { /* storage off: a name for this visit only */ }
    return d;
  }
  // signInForm wires the page's #login form (#badge, #pin) to sign in by
  // badge and PIN as o.device, telling o.prompt what to ask for next and
  // o.signedIn the session; after a lockout the badge is scanned afresh
  // (o.focusScan). It returns what a scanned badge does on the sign-in view.
  function signInForm(o) {
    var badge = document.getElementById('badge'), pin = document.getElementById('pin');
    badge.addEventListener('keydown', function (e) {
      if (e.key === 'Enter') { e.preventDefault(); o.prompt('enter_pin'); pin.focus(); }
    });
    document.getElementById('login').addEventListener('submit', function (e) {
      e.preventDefault();
      if (!badge.value.trim()) { badge.focus(); return; }
      if (!pin.value) { pin.focus(); return; }
      var body = {badge: badge.value.trim(), pin: pin.value};
      if (o.device) body.device = o.device;
      api('POST', '/ops/session', body).then(function (a) {
        pin.value = '';
        if (!a.ok) {
          say('error', problem(a));
          if (a.status === 423) { badge.value = ''; o.prompt('scan_badge'); o.focusScan(); } else { o.prompt('enter_pin'); pin.focus(); }
          return;
        }
        o.signedIn(a.data);
        say('ok', t('welcome', {name: a.data.name}));
      });
    });
    return function (code) {
      badge.value = code;
      pin.value = '';
      pin.focus();
      o.prompt('enter_pin');
      if (window.SokoScan) SokoScan.beep('ok');
    };
  }

  // use takes the signed-in session (or null) whose CSRF token calls
  // carry, and keeps it for this tab, for a reload without the network.
  function use(session) {
    csrf = session ? session.csrf_token : '';
    try {
      if (session) sessionStorage.setItem('soko.session', JSON.stringify(session));
      else sessionStorage.removeItem('soko.session');
    } catch (e) { /* storage off: a reload offline asks for the badge */ }
  }
  // remembered is the session this tab last used, or null.
  function remembered() {
    try { return JSON.parse(sessionStorage.getItem('soko.session')); } catch (e) { return null; }
  }
  // offlineShell installs the handheld's service worker (sw.js), which
  // keeps /hh and /hh/dock loading without the network.
  function offlineShell() {
    if (!('serviceWorker' in navigator)) return;
    window.addEventListener('load', function () {
      navigator.serviceWorker.register('/hh-sw.js', {scope: '/hh'}).catch(function () { /* no worker: the pages need the network to load */ });
    });
  }

  window.SokoOps = {
    device: device, signInForm: signInForm,
    lang: lang, t: t, el: el, api: api, scanHeaders: scanHeaders, problem: problem, fields: fields, twice: twice,
    say: say, keyboard: keyboard,
    use: use, remembered: remembered, offlineShell: offlineShell
  };
})();
