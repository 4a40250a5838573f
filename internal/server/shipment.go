package server

import (
	"context"

	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

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
	ss, err := h.store.ListShipments(ctx, soko.ShipmentFilter{
		MerchantID: merchantOf(ctx), OrderNumber: deref(req.Params.OrderNo), ShippedBefore: deref(req.Params.ShippedBefore), Page: page,
	})
	if err != nil {
		return nil, err
	}
	ss, next, sync := trimFeedPage(ss, page, func(s *soko.Shipment) int64 { return s.ParcelID },
		func(s *soko.Shipment) soko.Change { return soko.Change{Seq: s.ChangeSeq, ID: s.ParcelID} })
	out := api.ShipmentList{Data: make([]api.Shipment, len(ss)), NextCursor: next, SyncCursor: sync}
	for i, s := range ss {
		url := ""
		if c, ok := carrier.Find(s.Carrier); ok && s.TrackingNumber != "" {
			url = c.TrackingURL(s.TrackingNumber)
		}
		out.Data[i] = api.Shipment{
			OrderNo: s.OrderNumber, Parcel: s.Parcel, Parcels: s.Parcels, Carrier: s.Carrier, Service: s.Service,
			TrackingNumber: s.TrackingNumber, TrackingUrl: url, ShippedAt: apiTime(s.ShippedAt),
		}
	}
	return api.ListShipments200JSONResponse(out), nil
}
