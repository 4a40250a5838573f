package server

import (
	"context"
	"net/http"

	"github.com/soko-wms/soko/internal/soko"
)

// homeStore is what home.go's handlers need of the store.
type homeStore interface {
	CountOrdersByStatus(ctx context.Context) (map[soko.OrderStatus]int, error)
}

// stage is one box of the order pipeline.
type stage struct {
	Label string
	Count int
}

// home answers GET /: how many orders stand at each stage, and the merchants.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	counts, err := s.store.CountOrdersByStatus(ctx)
	if err != nil {
		return err
	}
	merchants, err := s.store.ListMerchants(ctx)
	if err != nil {
		return err
	}
	lang := language(r)
	var stages []stage
	for _, st := range soko.OrderStatuses {
		stages = append(stages, stage{Label: statusLabel(lang, st), Count: counts[st]})
	}
	return s.render(w, r, "home", struct {
		pageData
		Stages    []stage
		Merchants []*soko.Merchant
		Version   string
	}{pageData{Lang: lang, Title: homeTitle(lang)}, stages, merchants, s.version})
}

func homeTitle(lang string) string {
	return messages["home"].In(lang)
}
