package server

import (
	"context"
	"fmt"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// inspectStore is what inspect.go's handlers need of the store.
type inspectStore interface {
	StationOrder(ctx context.Context, code string) (*soko.Order, error)
	Inspect(ctx context.Context, s *soko.InspectScan) (*soko.Order, *soko.InspectCount, error)
	ResetInspection(ctx context.Context, orderID, staffID int64, device string) (*soko.Order, error)
}

// StationOrder answers GET /ops/station/orders/{code}.
func (h apiHandlers) StationOrder(ctx context.Context, req api.StationOrderRequestObject) (api.StationOrderResponseObject, error) {
	if _, err := allow(ctx, soko.MenuPack); err != nil {
		return nil, err
	}
	o, err := h.store.StationOrder(ctx, soko.ScannedCode(req.Code))
	if err != nil {
		return nil, err
	}
	out, err := h.stationOrder(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	return api.StationOrder200JSONResponse(out), nil
}

// InspectScan answers POST /ops/station/orders/{order_id}/scan.
func (h apiHandlers) InspectScan(ctx context.Context, req api.InspectScanRequestObject) (api.InspectScanResponseObject, error) {
	sess, err := allow(ctx, soko.MenuPack)
	if err != nil {
		return nil, err
	}
	lang := langOf(ctx)
	// What the code means for the order (its line, a wrong item, an
	// over-scan) is decided against the locked order by soko.Inspect.
	items, code, err := h.lookup(ctx, req.Body.Code, 0)
	if err != nil {
		return nil, err
	}
	scan := &soko.InspectScan{ScanID: req.Body.ScanId, OrderID: req.OrderId, StaffID: sess.Staff.ID, Device: sess.Device, Code: req.Body.Code,
		Items: items, Packs: deref(req.Body.Quantity), Lot: code.Lot}
	after, count, err := h.store.Inspect(ctx, scan)
	if err != nil {
		return nil, err
	}
	view, err := h.stationOrder(ctx, after.ID)
	if err != nil {
		return nil, err
	}
	done := after.Status == soko.OrderInspected
	msg := fmt.Sprintf("OK %s ×%d", count.Item.Product.Name, count.Units)
	if done {
		msg = soko.Text{JA: "検品完了：梱包へ進んでください", EN: "Inspection complete: pack it"}.In(lang)
	}
	return api.InspectScan200JSONResponse{Message: msg, Order: view, Inspected: done}, nil
}

// ResetInspection answers POST /ops/station/orders/{order_id}/reset.
func (h apiHandlers) ResetInspection(ctx context.Context, req api.ResetInspectionRequestObject) (api.ResetInspectionResponseObject, error) {
	sess, err := allow(ctx, soko.MenuConsole)
	if err != nil {
		return nil, err
	}
	o, err := h.store.ResetInspection(ctx, req.OrderId, sess.Staff.ID, sess.Device)
	if err != nil {
		return nil, err
	}
	out, err := h.stationOrder(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	return api.ResetInspection200JSONResponse(out), nil
}
