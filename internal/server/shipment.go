package server

import (
	"context"
	"time"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// shipmentStore is what shipment.go's handlers need of the store.
type shipmentStore interface {
	ListShipments(ctx context.Context, f soko.ShipmentFilter) ([]*soko.Shipment, error)
}

// ListShipments answers GET /api/v1/shipments.
func (h apiHandlers) ListShipments(ctx context.Context, req api.ListShipmentsRequestObject) (api.ListShipmentsResponseObject, error) {
	page, err := feedPageOf(req.Params.Limit, req.Params.Cursor, req.Params.UpdatedSince)
	if err != nil {
		return nil, err
	}
	// A shipment is written when it ships: both times bound the same column.
	if s := deref(req.Params.ShippedSince); s.After(page.UpdatedSince) {
		page.UpdatedSince = s
	}
	f := soko.ShipmentFilter{
		MerchantID: merchantOf(ctx), OrderNumber: deref(req.Params.OrderNo), ShippedBefore: deref(req.Params.ShippedBefore), Page: page,
	}
	if days := req.Params.UndeliveredDays; days != nil {
		f.Undelivered = true
		if before := h.now().Add(-time.Duration(*days) * 24 * time.Hour); f.ShippedBefore.IsZero() || before.Before(f.ShippedBefore) {
			f.ShippedBefore = before
		}
	}
	ss, err := h.store.ListShipments(ctx, f)
	if err != nil {
		return nil, err
	}
	ss, next, sync := trimFeedPage(ss, page, func(s *soko.Shipment) int64 { return s.ParcelID },
		func(s *soko.Shipment) soko.Change { return soko.Change{Seq: s.ChangeSeq, ID: s.ParcelID} })
	out := api.ShipmentList{Data: make([]api.Shipment, len(ss)), NextCursor: next, SyncCursor: sync}
	for i, s := range ss {
		out.Data[i] = shipmentOut(s)
	}
	return api.ListShipments200JSONResponse(out), nil
}
