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
	"time"

	"github.com/labstack/echo-contrib/echoprometheus"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/soko-wms/soko/internal/soko"
)

// Store is what the server needs from storage.
type Store interface {
	Ping(ctx context.Context) error
	ListMerchants(ctx context.Context) ([]*soko.Merchant, error)
	CountOrdersByStatus(ctx context.Context) (map[soko.OrderStatus]int, error)
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
}

// Server serves soko over HTTP.
type Server struct {
	echo    *echo.Echo
	store   Store
	log     *slog.Logger
	version string
	pages   *pages
	drain   time.Duration
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
	s := &Server{
		echo: echo.New(), store: cfg.Store, log: cfg.Logger, version: cfg.Version,
		pages: mustParsePages(), drain: cfg.ShutdownTimeout,
	}
	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError

	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := echoprometheus.NewMiddlewareWithConfig(echoprometheus.MiddlewareConfig{
		Namespace: "soko", Subsystem: "http", Registerer: registry, DoNotUseRequestPathFor404: true,
		Skipper: func(c echo.Context) bool { return c.Path() == "/metrics" },
	})

	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	e.Use(
		middleware.RequestIDWithConfig(middleware.RequestIDConfig{TargetHeader: echo.HeaderXRequestID}),
		s.accessLog,
		s.recoverPanic,
		securityHeaders,
		middleware.BodyLimit(cfg.BodyLimit),
		metrics,
	)

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", echoprometheus.NewHandlerWithConfig(echoprometheus.HandlerConfig{Gatherer: registry}))
	e.GET("/", s.home)
	e.GET("/static/*", echo.WrapHandler(staticFiles()))
	return s
}

// ServeHTTP lets the server be used as an http.Handler, as tests do.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// Serve answers requests on ln until ctx is done, then stops taking new
// connections and lets requests in flight finish, for at most the shutdown timeout.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.echo,
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
	s.log.Info("shutting down: finishing requests in flight", "timeout", s.drain)
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
