// Package server is soko's HTTP face: routes, middleware, the outsourcer API,
// the staff operations API and the pages. It is the one place that maps domain
// errors to HTTP statuses.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/soko-wms/soko/internal/pdf"
	"github.com/soko-wms/soko/internal/soko"
)

// Store is what the server needs from storage.
type Store interface {
	// Each step and console section declares what it needs beside its
	// handlers, in its own file; what several of them share follows.
	dashboardStore
	consoleOrderStore
	consolidationStore
	orderImportStore
	carrierImportStore
	adminStore
	retentionStore
	deliveryStatusStore
	replenishStore
	kittingStore
	shipDateStore
	returnStore
	billingStore
	portalStore
	inboundStore
	healthStore
	homeStore
	apiKeyStore
	productStore
	stockStore
	stockHistoryStore
	stockFeedStore
	inboundNoticeStore
	shipmentStore
	webhookStore
	sessionStore
	rateLimitStore
	receiveStore
	resolveStore
	countStore
	opsStore
	scanOnceStore
	inspectStore
	packStore
	stationStore
	slipStore
	handoverStore
	deliveryStore
	emailStore
	labelStore
	pickStore
	idempotencyStore

	ListMerchants(ctx context.Context) ([]*soko.Merchant, error)
	ListStock(ctx context.Context, merchantID int64, page soko.Page) ([]*soko.StockSummary, error)
	FindInbound(ctx context.Context, merchantID int64, number string) (*soko.Inbound, error)
	soko.OrderService
	FindWebhookEndpoint(ctx context.Context, merchantID int64) (*soko.WebhookEndpoint, error)
	PutWebhookEndpoint(ctx context.Context, ep *soko.WebhookEndpoint, rotate bool) (newSecret bool, err error)
	Hit(ctx context.Context, bucket string, start time.Time) (int, error)
	Unhit(ctx context.Context, bucket string, start time.Time) error
	FindLocation(ctx context.Context, code string) (*soko.Location, error)
	AllocateOrder(ctx context.Context, orderID int64, rules soko.AllocationRules) (soko.OrderStatus, error)
	CreateAndAllocateOrder(ctx context.Context, o *soko.Order, rules soko.AllocationRules) (*soko.Order, error)
	OrderByID(ctx context.Context, id int64) (*soko.Order, error)
	MerchantByID(ctx context.Context, id int64) (*soko.Merchant, error)
	soko.InsertService
	BoxTypes(ctx context.Context) ([]soko.BoxType, error)
	ListManifests(ctx context.Context, f soko.ManifestFilter) ([]*soko.Manifest, error)
	CarrierAccounts(ctx context.Context) ([]soko.CarrierAccount, error)
	Locations(ctx context.Context, zone string) ([]soko.Location, error)

	// InTransaction runs fn in one transaction that the store's calls
	// made with fn's context join (see storage.DB.InTransaction).
	InTransaction(ctx context.Context, fn func(ctx context.Context) error) error
}

// Config is everything the server is told at start-up; cmd/soko fills it.
type Config struct {
	Store   Store
	Logger  *slog.Logger
	Version string
	// BodyLimit caps request bodies, e.g. "2M".
	BodyLimit string
	// ShutdownTimeout bounds how long in-flight requests may finish at shutdown.
	ShutdownTimeout time.Duration
	// RatePerSecond and RateBurst limit each API key, across every soko
	// process on the database; zero means 50/s with bursts of 100.
	// SignInsPerAddress and SignInsOverall limit sign-ins per minute from one
	// client address and in all (every soko process on the database counts
	// together; right PINs are not counted); KeyFailuresPerAddress limits
	// wrong API keys per minute from one address. Zero means 30, 600 and 30.
	SignInsPerAddress     int
	SignInsOverall        int
	KeyFailuresPerAddress int
	RatePerSecond         float64
	RateBurst             int
	// AllowPrivateWebhooks lets merchants register http and internal webhook
	// URLs: for tests and closed networks only.
	AllowPrivateWebhooks bool
	// WebhookAllowHosts are host names the admin allows webhooks to reach
	// on internal networks.
	WebhookAllowHosts []string
	// WarehouseName is the shipping site printed on handover lists, and
	// the issuer of merchants' statements.
	WarehouseName string
	// InvoiceNumber is the warehouse's own 適格請求書発行事業者 registration
	// number, printed on merchants' statements; empty when it has none.
	InvoiceNumber string
	// PrinterDPI is the resolution of the stations' printers, 203 or 300,
	// that every barcode is snapped to in whole dots; 0 means 203.
	PrinterDPI int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Allocation are the warehouse's allocation rules.
	Allocation soko.AllocationRules
	// OnStockArrived is called when stock may now serve waiting orders
	// (after put-away and counts that found more); cmd/soko wires it to the
	// allocation worker.
	OnStockArrived func()
	// SecureCookies marks session cookies Secure whatever the request came
	// over: set when SOKO_BASE_URL is https. Cookies of requests that came
	// over TLS, directly or through a trusted proxy, are Secure anyway.
	SecureCookies bool
	// TrustedProxies are the networks of the reverse proxies in front of
	// soko: only requests from them have their X-Forwarded-For and
	// X-Forwarded-Proto headers believed.
	TrustedProxies []netip.Prefix
	// MetricsToken, when set, serves /metrics on the public listener to
	// requests carrying it as a bearer token (and requires it on the metrics
	// listener too); without it the public listener has no /metrics.
	MetricsToken string
}

// Server serves soko over HTTP.
type Server struct {
	echo                  *echo.Echo
	store                 Store
	log                   *slog.Logger
	version               string
	pages                 *pages
	drain                 time.Duration
	budget                keyBudget
	allowPrivateWebhooks  bool
	now                   func() time.Time
	spec                  *openapi3.T
	specJSON              []byte
	rules                 soko.AllocationRules
	onStockArrived        func()
	secureCookies         bool
	warehouseName         string
	invoiceNumber         string
	webhookAllowHosts     []string
	trustedProxies        []netip.Prefix
	metrics               *requestMetrics
	metricsToken          string
	signInsPerAddress     int
	signInsOverall        int
	keyFailuresPerAddress int
	printerDPI            pdf.PrinterDPI
}

// New builds the server with every route and middleware.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.BodyLimit == "" {
		cfg.BodyLimit = "2M"
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = 20 * time.Second
	}
	if cfg.RatePerSecond == 0 {
		cfg.RatePerSecond, cfg.RateBurst = 50, 100
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SignInsPerAddress == 0 {
		cfg.SignInsPerAddress = 30
	}
	if cfg.SignInsOverall == 0 {
		cfg.SignInsOverall = 600
	}
	if cfg.KeyFailuresPerAddress == 0 {
		cfg.KeyFailuresPerAddress = 30
	}
	spec, specJSON := mustLoadSpec()
	s := &Server{
		echo: echo.New(), store: cfg.Store, log: cfg.Logger, version: cfg.Version,
		pages: mustParsePages(), drain: cfg.ShutdownTimeout,
		budget: newKeyBudget(cfg.RatePerSecond, cfg.RateBurst), allowPrivateWebhooks: cfg.AllowPrivateWebhooks,
		now: cfg.Now, spec: spec, specJSON: specJSON,
		rules: cfg.Allocation, onStockArrived: cfg.OnStockArrived, secureCookies: cfg.SecureCookies,
		warehouseName: cfg.WarehouseName, invoiceNumber: cfg.InvoiceNumber, webhookAllowHosts: cfg.WebhookAllowHosts,
		trustedProxies: cfg.TrustedProxies, metrics: newRequestMetrics(), metricsToken: cfg.MetricsToken,
		signInsPerAddress: cfg.SignInsPerAddress, signInsOverall: cfg.SignInsOverall, keyFailuresPerAddress: cfg.KeyFailuresPerAddress,
		printerDPI: pdf.PrinterDPI(cfg.PrinterDPI),
	}
	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = ipExtractor(cfg.TrustedProxies)

	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{
		RedirectCode: http.StatusMovedPermanently,
		// Static paths are answered as they are (staticFiles): never
		// redirected to a Location built from undecodable bytes. API
		// paths are never redirected either (a client cannot follow a 301
		// with its POST): their trailing slash is dropped in place.
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			return strings.HasPrefix(p, "/static/") || strings.HasPrefix(p, apiBase+"/") || strings.HasPrefix(p, portalBase+apiBase+"/")
		},
	}))
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			return !strings.HasPrefix(p, apiBase+"/") && !strings.HasPrefix(p, portalBase+apiBase+"/")
		},
	}))
	e.Use(
		middleware.RequestIDWithConfig(middleware.RequestIDConfig{TargetHeader: echo.HeaderXRequestID}),
		requestScope,
		s.metrics.measure,
		use(s.forwarded),
		s.accessLog,
		s.recoverPanic,
		securityHeaders,
		middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: cfg.BodyLimit, Skipper: isFileUpload}),
		middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: fileUploadLimit, Skipper: func(c echo.Context) bool { return !isFileUpload(c) }}),
	)

	s.routes(spec)
	return s
}

// fileUploadLimit caps the CSV files the console uploads (a shop's order
// export, the carrier's issued numbers): their parsers refuse more than 10 MB
// with a clear message, so the transport lets that much through.
const fileUploadLimit = "11M"

// isFileUpload reports whether the request uploads a CSV file.
func isFileUpload(c echo.Context) bool {
	p := c.Request().URL.Path
	return strings.HasPrefix(p, opsBase+"/order-imports") || strings.HasPrefix(p, opsBase+"/carrier-imports/")
}

// ServeHTTP lets the server be used as an http.Handler, as tests do.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// Serve answers requests on ln until ctx is done, then stops taking new
// connections and lets requests in flight finish, for at most the shutdown timeout.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	return s.serve(ctx, ln, s.echo)
}

// ServeMetrics answers only GET /metrics on ln, a listener of their own
// (SOKO_METRICS_ADDR) that can stay off the public network, until ctx is done.
func (s *Server) ServeMetrics(ctx context.Context, ln net.Listener) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metricsHandler())
	return s.serve(ctx, ln, mux)
}

func (s *Server) serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down: finishing requests in flight", "addr", ln.Addr().String(), "timeout", s.drain)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.drain)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
