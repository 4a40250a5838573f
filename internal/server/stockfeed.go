package server

import (
	"context"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// stockFeedStore is what stockfeed.go's handlers need of the store.
type stockFeedStore interface {
	StockChanges(ctx context.Context, merchantID, after int64, limit int) ([]soko.StockChange, error)
}

// ListStockChanges answers GET /api/v1/stock/changes: the merchant's
// stock change feed after a sequence number.
func (h apiHandlers) ListStockChanges(ctx context.Context, req api.ListStockChangesRequestObject) (api.ListStockChangesResponseObject, error) {
	after := int64(0)
	if req.Params.After != nil {
		after = *req.Params.After
	}
	page := soko.Page{}
	if req.Params.Limit != nil {
		page.Limit = *req.Params.Limit
	}
	// One more than the page holds tells whether more wait.
	cs, err := h.store.StockChanges(ctx, merchantOf(ctx), after, page.Size()+1)
	if err != nil {
		return nil, err
	}
	out := api.StockChangeList{Data: []api.StockChange{}, NextAfter: after, HasMore: len(cs) > page.Size()}
	for _, c := range cs[:min(len(cs), page.Size())] {
		out.Data = append(out.Data, api.StockChange{Sku: c.SKU, Seq: c.Seq, OnHand: c.OnHand, Allocated: c.Allocated,
			Held: c.Held, Buffer: c.Buffer, Sellable: c.Sellable(), ChangedAt: c.ChangedAt})
		out.NextAfter = c.Seq
	}
	return api.ListStockChanges200JSONResponse(out), nil
}
