/* soko console: the admin section (see console_admin.html). */
(function () {
  'use strict';
})();
