/* soko console: the dashboard section (see console_dashboard.html). */
(function () {
  'use strict';
})();
