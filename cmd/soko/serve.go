package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/soko-wms/soko/internal/demo"
	"github.com/soko-wms/soko/internal/notify"
	"github.com/soko-wms/soko/internal/server"
	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
)

// serve runs the HTTP server until ctx is done.
func serve(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (SOKO_ADDR)")
	fs.StringVar(&cfg.BaseURL, "base-url", cfg.BaseURL, "public URL of this server (SOKO_BASE_URL)")
	withDemo := fs.Bool("demo", false, "seed a demo warehouse into an empty database")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.check(""); err != nil {
		return err
	}
	log := newLogger(cfg, stderr)

	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %v", cfg.Addr, err)
	}
	var metricsLn net.Listener
	if cfg.MetricsAddr != "" {
		if metricsLn, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			ln.Close()
			return fmt.Errorf("cannot listen on %s (SOKO_METRICS_ADDR): %v", cfg.MetricsAddr, err)
		}
	}
	// Until the server takes them over, a failed start closes the listeners.
	closeListeners := func() {
		ln.Close()
		if metricsLn != nil {
			metricsLn.Close()
		}
	}
	url := cfg.BaseURL
	if url == "" {
		url = localURL(ln.Addr())
	}
	db.PublicURL = url
	if *withDemo {
		if err := seedDemo(ctx, db, url, stdout); err != nil {
			closeListeners()
			return err
		}
	}
	rules := soko.AllocationRules{ExpiryMargin: cfg.ExpiryMargin}
	stockArrived, ordersLeft := make(chan struct{}, 1), make(chan struct{}, 1)
	// New orders intake left received on a sale day are the worker's too.
	db.OnAllocationDeferred = func() { due(ordersLeft) }
	db.OnLateError = func(what string, err error) {
		log.Warn("after a commit: "+what+" failed; the hourly round does it", "err", err)
	}
	srv := server.New(server.Config{
		Store: db, Logger: log, Version: version, Allocation: rules,
		SecureCookies: strings.HasPrefix(cfg.BaseURL, "https://"), WarehouseName: cfg.WarehouseName, InvoiceNumber: cfg.InvoiceNumber, PrinterDPI: cfg.PrinterDPI, WebhookAllowHosts: cfg.WebhookAllowHosts,
		TrustedProxies: cfg.TrustedProxies, MetricsToken: cfg.MetricsToken,
		OnStockArrived: func() { due(stockArrived) },
	})
	go purgeHourly(ctx, db, log)
	go eraseExpiredDaily(ctx, db, log)
	go raiseDraftPurchaseOrders(ctx, db, time.Now, log)
	go freeOldHoldsHourly(ctx, db, log)
	worker := &notify.Worker{Store: db, Sender: &notify.Sender{AllowHosts: cfg.WebhookAllowHosts}, Log: log, Batch: cfg.NotifyBatch, Lease: cfg.NotifyLease}
	if cfg.SMTPURL != "" {
		mailer, err := notify.NewMailer(cfg.SMTPURL)
		if err != nil {
			closeListeners()
			return err
		}
		worker.Mailer = mailer
		log.Info("shipment emails", "smtp", mailer.String())
	} else {
		log.Warn("SOKO_SMTP_URL is not set: shipment emails wait in the outbox until it is")
	}
	go worker.Run(ctx)
	stockArrived <- struct{}{} // orders may have waited while no soko ran
	go allocateWaiting(ctx, db, rules, stockArrived, ordersLeft, log)
	if cfg.WaveEvery > 0 {
		go releaseWaves(ctx, db, cfg.WaveEvery, cfg.WaveSize, log)
	}
	if metricsLn != nil {
		log.Info("metrics listening", "addr", metricsLn.Addr().String())
		go func() {
			if err := srv.ServeMetrics(ctx, metricsLn); err != nil {
				log.Error("metrics listener stopped", "err", err)
			}
		}()
	}
	fmt.Fprintf(stdout, "soko %s listening on %s (database: %s, %s)\n", version, url, db.Dialect(), cfg.redacted())
	log.Info("listening", "addr", ln.Addr().String(), "dialect", db.Dialect())
	return srv.Serve(ctx, ln)
}

// localURL is how a browser on this machine reaches addr.
func localURL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || tcp.IP.IsUnspecified() {
		if ok {
			return fmt.Sprintf("http://localhost:%d", tcp.Port)
		}
		return "http://" + addr.String()
	}
	return "http://" + addr.String()
}

// seedDemo fills an empty database with the demo warehouse, plays its
// working day up to now, and prints how to sign in. A database that
// already holds data is left as it is.
func seedDemo(ctx context.Context, db *storage.DB, url string, out io.Writer) error {
	empty, err := db.Empty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		fmt.Fprintln(out, "demo: the database already holds data; not seeding again")
		return nil
	}
	now := time.Now()
	seed := demo.Warehouse(now)
	// Demo keys are made fresh: a key printed in the source code would work
	// on every demo that was ever left running.
	for i := range seed.APIKeys {
		seed.APIKeys[i].Secret, _, _ = soko.NewAPIKeySecret()
	}
	for i := range seed.PortalUsers {
		seed.PortalUsers[i].Password = soko.NewToken()[:16]
	}
	// The store's clock follows the day while it is played, so the
	// console opens on a day's work; nothing else runs yet.
	day := demo.NewDay(seed, now)
	db.Now = day.Now
	defer func() { db.Now = time.Now }()
	if err := db.Load(ctx, day.Opening); err != nil {
		return fmt.Errorf("cannot seed the demo: %s", errorLine(err))
	}
	if err := day.Play(ctx, db); err != nil {
		return fmt.Errorf("cannot play the demo's day: %s", errorLine(err))
	}
	fmt.Fprintf(out, "demo warehouse seeded: %d merchants, %d products, %d locations, %d orders, a day's work up to now\n",
		len(seed.Merchants), len(seed.Products), len(seed.Locations), len(seed.Orders))
	fmt.Fprintf(out, "open %s\n\nstaff logins (badge + PIN):\n", url)
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	for _, s := range seed.Staff {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", s.Role, s.BadgeCode, s.PIN, s.Name)
	}
	tw.Flush()
	fmt.Fprintln(out, "\nAPI keys (shown once; only their hash is stored):")
	for _, k := range seed.APIKeys {
		fmt.Fprintf(out, "  %s\t%s\n", k.MerchantCode, k.Secret)
	}
	fmt.Fprintf(out, "  try: curl -H 'Authorization: Bearer %s' %s/api/v1/orders\n\n", seed.APIKeys[0].Secret, strings.TrimSuffix(url, "/"))
	fmt.Fprintf(out, "merchant portal logins at %s/portal (email + password, shown once):\n", strings.TrimSuffix(url, "/"))
	tw = tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	for _, u := range seed.PortalUsers {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", u.MerchantCode, u.Role, u.Email, u.Password)
	}
	tw.Flush()
	fmt.Fprintln(out)
	return nil
}

// purgeHourly forgets Idempotency-Keys past their 24 hours, the
// stock feed's superseded lines and the rate windows no limit counts any
// more, and finishes the orders and waves with nothing left to pick,
// hourly.
func purgeHourly(ctx context.Context, db *storage.DB, log *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if n, err := db.PurgeIdempotencyKeys(ctx); err != nil && ctx.Err() == nil {
			log.Warn("purge idempotency keys", "err", err)
		} else if n > 0 {
			log.Info("purged idempotency keys", "count", n)
		}
		if n, err := db.PruneStockChanges(ctx); err != nil && ctx.Err() == nil {
			log.Warn("prune the stock feed", "err", err)
		} else if n > 0 {
			log.Info("pruned superseded stock feed lines", "count", n)
		}
		if n, err := db.PurgeRateWindows(ctx); err != nil && ctx.Err() == nil {
			log.Warn("purge rate windows", "err", err)
		} else if n > 0 {
			log.Info("purged old rate windows", "count", n)
		}
		if n, err := db.FinishPickedOrders(ctx); err != nil && ctx.Err() == nil {
			log.Warn("finish picked orders", "err", err)
		} else if n > 0 {
			log.Info("finished orders left picking with every task ended", "count", n)
		}
		if n, err := db.FinishIdleWaves(ctx); err != nil && ctx.Err() == nil {
			log.Warn("finish idle waves", "err", err)
		} else if n > 0 {
			log.Info("finished waves left released with nothing to pick", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// freeOldHoldsHourly puts the stock of holds older than their merchants'
// setting back on sale, for the merchants who asked for it, at start and
// then hourly; every soko process may run it, as a second run finds the
// stock freed already.
func freeOldHoldsHourly(ctx context.Context, db *storage.DB, log *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if n, err := db.FreeOldHolds(ctx); err != nil && ctx.Err() == nil {
			log.Warn("free old holds' stock", "err", err, "freed", n)
		} else if n > 0 {
			log.Info("freed the stock of old holds", "orders", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// eraseExpiredDaily erases customers' personal data past their merchants'
// retention, at start and then daily; every soko process may run it, as a
// second run finds nothing left to erase.
func eraseExpiredDaily(ctx context.Context, db *storage.DB, log *slog.Logger) {
	tick := time.NewTicker(24 * time.Hour)
	defer tick.Stop()
	for {
		if n, err := db.EraseExpired(ctx); err != nil && ctx.Err() == nil {
			log.Warn("erase expired personal data", "err", err, "erased", n)
		} else if n > 0 {
			log.Info("erased personal data past retention", "orders", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// autoOrderHour is the hour (Japan) from which the morning's automatic
// ordering (自動発注) raises the day's draft purchase orders.
const autoOrderHour = 6

// raiseDraftPurchaseOrders raises, each morning, the reorder suggestions of
// merchants with 自動発注 as draft purchase orders waiting for approval.
// It looks hourly, so a soko started in the day or after a night's pause
// catches up; every soko process may run it, as the database lets a
// supplier have one such draft a day.
func raiseDraftPurchaseOrders(ctx context.Context, db *storage.DB, now func() time.Time, log *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if now().Sub(soko.WorkDay(now())) >= autoOrderHour*time.Hour {
			if n, err := db.RaiseDraftPurchaseOrders(ctx); err != nil && ctx.Err() == nil {
				log.Warn("raise draft purchase orders", "err", err, "raised", n)
			} else if n > 0 {
				log.Info("raised draft purchase orders for approval", "count", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// due asks for a run of the worker that reads ch, unless one is due already.
func due(ch chan<- struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// allocateWaiting gives waiting orders their stock: when stock arrives,
// when intake left new orders to it (their stock was being reserved by
// other orders: storage's busyStock), and every half minute in case stock
// arrived through another soko process.
func allocateWaiting(ctx context.Context, db *storage.DB, rules soko.AllocationRules, stockArrived, ordersLeft <-chan struct{}, log *slog.Logger) {
	tick := time.NewTicker(30 * time.Second)
	defer tick.Stop()
	for {
		run := db.AllocateWaiting
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-stockArrived:
		case <-ordersLeft:
			// Only the new orders: backorders wait for stock.
			run = db.AllocateReceived
		}
		n, err := run(ctx, rules)
		if err != nil && ctx.Err() == nil {
			log.Warn("allocate waiting orders", "err", err)
		} else if n > 0 {
			log.Info("allocated waiting orders", "count", n)
		}
	}
}

// releaseWaves releases a batch wave of allocated orders on a schedule, for
// warehouses that do not release them by hand.
func releaseWaves(ctx context.Context, db *storage.DB, every time.Duration, size int, log *slog.Logger) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		w, err := db.ReleaseWave(ctx, soko.WaveRequest{Mode: soko.WaveBatch, MaxOrders: size})
		switch {
		case soko.ErrorCode(err) == soko.ENOTFOUND:
		case err != nil && ctx.Err() == nil:
			log.Warn("release wave", "err", err)
		case err == nil:
			log.Info("released wave", "wave", w.Number, "orders", w.Orders, "tasks", w.Tasks)
		}
	}
}
