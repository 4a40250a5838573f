package server

import (
	"context"
	"fmt"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// ListStockPlaces answers GET /ops/stock.
func (h apiHandlers) ListStockPlaces(ctx context.Context, req api.ListStockPlacesRequestObject) (api.ListStockPlacesResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	p := req.Params
	places, err := h.store.StockPlaces(ctx, soko.StockFilter{Location: deref(p.Location), SKU: deref(p.Sku), MerchantID: deref(p.MerchantId)})
	if err != nil {
		return nil, err
	}
	out := make(api.ListStockPlaces200JSONResponse, len(places))
	for i, s := range places {
		out[i] = api.StockPlace{Location: s.Location, Merchant: s.Merchant, Sku: s.SKU, Name: s.Name, Lot: s.Lot,
			OnHand: s.OnHand, Allocated: s.Allocated, Available: s.Available(), Held: s.Held}
		if s.CountTaskID != 0 {
			out[i].CountTaskId = &s.CountTaskID
		}
		if !s.Expiry.IsZero() {
			out[i].Expiry = &openapi_types.Date{Time: s.Expiry}
		}
	}
	return out, nil
}

// ListLedger answers GET /ops/stock/ledger.
func (h apiHandlers) ListLedger(ctx context.Context, req api.ListLedgerRequestObject) (api.ListLedgerResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	lines, err := h.store.Ledger(ctx, req.Params.MerchantId, req.Params.Sku, 200)
	if err != nil {
		return nil, err
	}
	out := make(api.ListLedger200JSONResponse, len(lines))
	for i, l := range lines {
		out[i] = api.LedgerLine{At: apiTime(l.CreatedAt), Location: l.Location, Lot: l.Lot, Kind: string(l.Kind),
			OnHandDelta: l.OnHandDelta, AllocatedDelta: l.AllocatedDelta, Reason: l.Reason}
		if l.DocumentType != "" {
			out[i].Document = ptr(fmt.Sprintf("%s %d", l.DocumentType, l.DocumentID))
		}
		if l.Staff != "" {
			out[i].Staff = ptr(l.Staff)
		}
	}
	return out, nil
}
