package server

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/labstack/echo/v4"

	"github.com/soko-wms/soko/internal/server/api"
)

// routes.go is where soko's plain handlers meet the router: echo is wired
// here, in server.go (the router, its middleware) and in middleware.go and
// error.go (what runs around every request); the handlers know only
// net/http and read what a request carries from its context.

// routes adds soko's own routes: pages, health, documents, static files,
// and the generated API routes (mountAPI).
func (s *Server) routes(spec *openapi3.T) {
	e := s.echo
	e.GET("/healthz", wrap(s.healthz))
	e.GET("/readyz", wrap(s.readyz))
	if s.metricsToken != "" {
		e.GET("/metrics", wrap(s.metricsPage))
	}
	e.GET("/", wrap(s.home))
	e.GET("/hh", wrap(s.handheld))
	e.GET("/hh/dock", wrap(s.dockPage))
	e.GET("/hh/returns", wrap(s.returnsPage))
	e.GET("/hh-sw.js", wrap(s.serviceWorker))
	e.GET("/station", wrap(s.stationPage))
	e.GET("/console", wrap(s.consolePage))
	e.GET(portalBase, wrap(s.portalPage))
	e.GET(portalBase+"/reset", wrap(s.portalPage))
	e.GET("/track/:token", wrap(s.trackingPage))
	e.GET("/api/docs", wrap(s.apiDocs))
	if err := s.mountAPI(spec); err != nil {
		panic(err) // the embedded document is checked by tests; a bad one is a build mistake
	}
	e.GET("/static/*", wrap(staticFiles))
}

// wrap adapts a plain handler to the router: the route's parameters become
// the request's path values (r.PathValue("token")).
func wrap(h handler) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		values := c.ParamValues()
		for i, name := range c.ParamNames() {
			if i < len(values) {
				r.SetPathValue(name, values[i])
			}
		}
		return h(c.Response(), r)
	}
}

// use adapts a plain middleware to the router. The request next is given
// becomes the context's; a writer other than the response (an answer held
// back) receives what the rest of the chain writes, from a fresh start,
// and the response and request are as they were once the chain returns.
func use(m middlewareFunc) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			res, in := c.Response(), c.Request()
			return m(func(w http.ResponseWriter, r *http.Request) error {
				c.SetRequest(r)
				if w == http.ResponseWriter(res) {
					return next(c)
				}
				outer, committed, status, size := res.Writer, res.Committed, res.Status, res.Size
				res.Writer, res.Committed, res.Status, res.Size = w, false, http.StatusOK, 0
				defer func() {
					res.Writer, res.Committed, res.Status, res.Size = outer, committed, status, size
					c.SetRequest(in)
				}()
				return next(c)
			})(res, in)
		}
	}
}

// answeredStatus is the status w was answered with so far: 200 until a
// handler writes another.
func answeredStatus(w http.ResponseWriter) int {
	if res, ok := w.(*echo.Response); ok {
		return res.Status
	}
	return http.StatusOK
}

// mountAPI adds the generated routes of the OpenAPI document: the
// outsourcer API behind its key, rate limit and idempotency, and the staff
// operations behind their session and CSRF token; both validated against
// the document before a handler runs.
func (s *Server) mountAPI(spec *openapi3.T) error {
	router, err := gorillamux.NewRouter(spec)
	if err != nil {
		return fmt.Errorf("openapi router: %w", err)
	}
	// Carrier files arrive as text/csv; kin-openapi keeps its decoders in a
	// package table, so registering the same one again is harmless.
	openapi3filter.RegisterBodyDecoder("text/csv", openapi3filter.FileBodyDecoder)
	s.echo.GET(apiBase+"/openapi.json", wrap(s.openAPIDocument))
	s.echo.GET(apiBase+"/openapi.yaml", wrap(openAPIYAML))
	routes := splitRouter{
		api: s.echo.Group(apiBase, use(s.authenticate), use(s.limitRate), use(validateRequest(router, s.businessChecks())),
			use(s.idempotent), use(conditionalGET)),
		ops:    s.echo.Group(opsBase, use(s.staffSession), use(s.checkCSRF), use(validateRequest(router, nil)), use(s.scanOnce)),
		portal: s.echo.Group(portalBase, use(s.portalSession), use(s.checkPortalCSRF), use(validateRequest(router, nil))),
		// The portal serves every merchant API operation to its session:
		// the same handlers behind the same checks, the session in the key's place.
		portalAPI: s.echo.Group(portalBase+apiBase, use(s.portalSession), use(s.checkPortalCSRF), use(s.portalAsMerchant),
			use(s.limitRate), use(validateRequest(router, s.businessChecks())), use(s.idempotent), use(conditionalGET)),
	}
	api.RegisterHandlers(routes, api.NewStrictHandler(apiHandlers{s}, nil))
	return nil
}

// splitRouter hands each generated route to the group its path belongs
// to; a merchant API route goes to the portal's copy of the API too.
type splitRouter struct{ api, ops, portal, portalAPI *echo.Group }

func (r splitRouter) add(method, path string, h echo.HandlerFunc, m []echo.MiddlewareFunc) *echo.Route {
	if rest, ok := strings.CutPrefix(path, opsBase+"/"); ok {
		return r.ops.Add(method, "/"+rest, h, m...)
	}
	if rest, ok := strings.CutPrefix(path, portalBase+"/"); ok {
		return r.portal.Add(method, "/"+rest, h, m...)
	}
	rest := strings.TrimPrefix(path, apiBase)
	r.portalAPI.Add(method, rest, h, m...)
	return r.api.Add(method, rest, h, m...)
}

func (r splitRouter) CONNECT(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodConnect, p, h, m)
}
func (r splitRouter) DELETE(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodDelete, p, h, m)
}
func (r splitRouter) GET(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodGet, p, h, m)
}
func (r splitRouter) HEAD(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodHead, p, h, m)
}
func (r splitRouter) OPTIONS(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodOptions, p, h, m)
}
func (r splitRouter) PATCH(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodPatch, p, h, m)
}
func (r splitRouter) POST(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodPost, p, h, m)
}
func (r splitRouter) PUT(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodPut, p, h, m)
}
func (r splitRouter) TRACE(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodTrace, p, h, m)
}
