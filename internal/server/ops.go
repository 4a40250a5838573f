package server

import (
	"context"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// opsStore is what ops.go's handlers need of the store.
type opsStore interface {
	ListLowStock(ctx context.Context) ([]soko.LowStock, error)
}

// ListOpsMerchants answers GET /ops/merchants.
func (h apiHandlers) ListOpsMerchants(ctx context.Context, _ api.ListOpsMerchantsRequestObject) (api.ListOpsMerchantsResponseObject, error) {
	ms, err := h.store.ListMerchants(ctx)
	if err != nil {
		return nil, err
	}
	out := make(api.ListOpsMerchants200JSONResponse, len(ms))
	for i, m := range ms {
		out[i] = api.OpsMerchant{Id: m.ID, Code: m.Code, Name: m.Name}
	}
	return out, nil
}

// GetOpsLocation answers GET /ops/locations/{location_code}.
func (h apiHandlers) GetOpsLocation(ctx context.Context, req api.GetOpsLocationRequestObject) (api.GetOpsLocationResponseObject, error) {
	loc, err := h.store.FindLocation(ctx, req.LocationCode)
	if err != nil {
		return nil, err
	}
	return api.GetOpsLocation200JSONResponse{Code: loc.Code, Zone: loc.Zone, Kind: string(loc.Kind)}, nil
}

// LookupProduct answers GET /ops/products/lookup: what a scanned code is.
func (h apiHandlers) LookupProduct(ctx context.Context, req api.LookupProductRequestObject) (api.LookupProductResponseObject, error) {
	item, err := h.resolve(ctx, req.Params.Code, 0, deref(req.Params.Location))
	if err != nil {
		return nil, err
	}
	p := item.Product
	out := api.ScannedProduct{MerchantCode: item.MerchantCode, Sku: p.SKU, Name: p.Name, Units: item.Units, TrackLot: p.TrackLot, TrackExpiry: p.TrackExpiry}
	if item.Code.Lot != "" {
		out.Lot = &item.Code.Lot
	}
	if !item.Code.Expiry.IsZero() {
		out.Expiry = &openapi_types.Date{Time: item.Code.Expiry}
	}
	return api.LookupProduct200JSONResponse(out), nil
}

// ListLowStock answers GET /ops/alerts/low-stock.
func (h apiHandlers) ListLowStock(ctx context.Context, _ api.ListLowStockRequestObject) (api.ListLowStockResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	low, err := h.store.ListLowStock(ctx)
	if err != nil {
		return nil, err
	}
	out := make(api.ListLowStock200JSONResponse, len(low))
	for i, l := range low {
		out[i] = api.LowStock{MerchantCode: l.MerchantCode, Sku: l.SKU, Name: l.Name, Available: l.Available, ReorderPoint: l.ReorderPoint,
			Out: l.Out, DailyDemand: float32(l.DailyDemand)}
		if days, ok := l.DaysOfCover(); ok {
			out[i].DaysOfCover = ptr(float32(days))
		}
	}
	return out, nil
}
