package server

import (
	"context"
	"net/http"
	"time"
)

// healthStore is what health.go's handlers need of the store.
type healthStore interface {
	Ping(ctx context.Context) error
}

// healthz answers GET /healthz: the process is alive, whatever the database does.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": s.version})
}

// readyz answers GET /readyz: 200 when the database answers, so a load
// balancer sends traffic here only then.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
