/* soko console: the orders section (see console_orders.html). */
(function () {
  'use strict';
})();
