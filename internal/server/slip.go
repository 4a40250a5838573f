package server

import (
	"context"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// PrintSlip answers GET /ops/station/orders/{order_id}/slip.pdf.
func (h apiHandlers) PrintSlip(ctx context.Context, req api.PrintSlipRequestObject) (api.PrintSlipResponseObject, error) {
	return nil, soko.Errorf(soko.EUNAVAILABLE, "slip printing is being built")
}
