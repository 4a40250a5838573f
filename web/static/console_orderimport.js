/* soko console: the orderimport section (see console_orderimport.html). */
(function () {
  'use strict';
})();
