package server

import (
	"context"
	"fmt"
	"strconv"

	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// stationOrder builds what the packing station shows of an order: its
// lines with what was inspected, and the boxes it recommends.
func (s *Server) stationOrder(ctx context.Context, o *soko.Order) (api.StationOrder, error) {
	out := api.StationOrder{
		Id: o.ID, OrderNo: o.Number, Status: api.OrderStatus(o.Status), Gift: o.Gift.HidePrices,
		Carrier: &o.Carrier, Service: &o.Service, Lines: []api.StationLine{}, Recommended: []api.ParcelSuggestion{}, Checklist: []api.PackCheck{},
	}
	m, err := s.store.MerchantByID(ctx, o.MerchantID)
	if err != nil {
		return out, err
	}
	out.MerchantCode, out.MerchantName = m.Code, &m.Name
	if c, ok := carrier.Find(o.Carrier); ok {
		label := localized(langOf(ctx), c.Name, c.NameEN)
		if sv, ok := c.Service(o.Service); ok {
			label += " " + localized(langOf(ctx), sv.Name, sv.NameEN)
		}
		out.CarrierLabel = &label
	}
	// The orders that leave in this one's parcel (同梱) are inspected and
	// packed with it: their lines follow its own, each naming its order.
	group, err := s.consolidationOf(ctx, o)
	if err != nil {
		return out, err
	}
	sets := map[int64]string{}
	for _, g := range group {
		for _, l := range g.Lines {
			if l.IsSet {
				sets[l.ID] = l.Name + "（" + l.SKU + " ×" + strconv.Itoa(l.Quantity) + "）"
				continue // its components are scanned instead
			}
			line := api.StationLine{Sku: l.SKU, Name: l.Name, Quantity: l.Quantity, Inspected: l.Inspected}
			if set, ok := sets[l.SetLineID]; ok {
				line.Set = &set
			}
			if len(group) > 1 {
				line.OrderNo = &g.Number
			}
			out.Lines = append(out.Lines, line)
		}
	}
	items, err := s.store.PackItems(ctx, o.ID)
	if err != nil {
		return out, err
	}
	if o.Status == soko.OrderPicked || o.Status == soko.OrderInspected {
		checks, err := s.store.PackChecks(ctx, o.ID)
		if err != nil {
			return out, err
		}
		out.Checklist = packChecksOut(checks, langOf(ctx))
	} else {
		out.Checklist = packChecksOut(soko.PackChecks(o.Gift, nil), langOf(ctx))
	}
	boxes, err := s.store.BoxTypes(ctx)
	if err != nil {
		return out, err
	}
	for _, p := range soko.RecommendBoxes(items, boxes, thinAllowed(o)) {
		name := p.Box.Name
		out.Recommended = append(out.Recommended, api.ParcelSuggestion{Box: p.Box.Code, BoxName: &name, WeightGrams: p.WeightGrams})
	}
	return out, nil
}

// thinAllowed reports whether an order may go by a post-box service: when
// it asked for one, or asked for nothing a post box cannot give (a time
// slot, a date, cash on delivery).
func thinAllowed(o *soko.Order) bool {
	if c, ok := carrier.Find(o.Carrier); ok {
		if svc, ok := c.Service(o.Service); ok {
			return svc.Thin
		}
	}
	return o.Service == "" && o.TimeSlot == soko.SlotNone && o.DeliveryDate.IsZero() && o.CODAmount == 0
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
	out, err := h.stationOrder(ctx, o)
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
	o, err := h.store.OrderByID(ctx, req.OrderId)
	if err != nil {
		return nil, err
	}
	item, err := h.resolve(ctx, req.Body.Code, o.MerchantID, "")
	if soko.ErrorCode(err) == soko.ENOTFOUND {
		// A barcode of another merchant's product is still a wrong item, not a mystery.
		return nil, soko.Errorf(soko.EINVALID, "this is not a product of order %s", o.Number).
			JA("この商品は注文 %s のものではありません", o.Number).WithField("code", "wrong_item")
	} else if err != nil {
		return nil, err
	}
	scan := &soko.InspectScan{ScanID: req.Body.ScanId, OrderID: o.ID, StaffID: sess.Staff.ID, Device: sess.Device, Code: req.Body.Code,
		ProductID: item.Product.ID, Units: item.Units * max(1, deref(req.Body.Quantity)), Lot: item.Code.Lot}
	after, err := h.store.Inspect(ctx, scan)
	if err != nil {
		return nil, err
	}
	view, err := h.stationOrder(ctx, after)
	if err != nil {
		return nil, err
	}
	done := after.Status == soko.OrderInspected
	msg := localized(lang, fmt.Sprintf("OK %s ×%d", item.Product.Name, scan.Units), fmt.Sprintf("OK %s ×%d", item.Product.Name, scan.Units))
	if done {
		msg = localized(lang, "検品完了：梱包へ進んでください", "Inspection complete: pack it")
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
	out, err := h.stationOrder(ctx, o)
	if err != nil {
		return nil, err
	}
	return api.ResetInspection200JSONResponse(out), nil
}

// PackOrder answers POST /ops/station/orders/{order_id}/pack. Each parcel's
// weight must be near what its box and share of the contents weigh.
func (h apiHandlers) PackOrder(ctx context.Context, req api.PackOrderRequestObject) (api.PackOrderResponseObject, error) {
	sess, err := allow(ctx, soko.MenuPack)
	if err != nil {
		return nil, err
	}
	in := req.Body
	items, err := h.store.PackItems(ctx, req.OrderId)
	if err != nil {
		return nil, err
	}
	boxes, err := h.store.BoxTypes(ctx)
	if err != nil {
		return nil, err
	}
	expected := 0
	for _, it := range items {
		expected += it.WeightGrams * it.Quantity
	}
	weighed := 0
	p := &soko.PackRequest{OrderID: req.OrderId, StaffID: sess.Staff.ID, Device: sess.Device, Confirmed: deref(in.Confirmed)}
	for _, pc := range in.Parcels {
		for _, b := range boxes {
			if b.Code == pc.Box {
				expected += b.TareGrams
			}
		}
		weighed += pc.WeightGrams
		p.Parcels = append(p.Parcels, soko.PackedParcel{BoxCode: pc.Box, WeightGrams: pc.WeightGrams})
	}
	if diff := weighed - expected; diff > soko.WeightTolerance(expected) || -diff > soko.WeightTolerance(expected) {
		if !deref(in.ConfirmWeight) {
			return nil, soko.Errorf(soko.ECONFLICT, "the parcels weigh %d g but should weigh about %d g: a wrong or missing item?", weighed, expected).
				JA("重量が %d g です（想定 %d g）。商品違い・入れ忘れの可能性があります。確認のうえ確定してください", weighed, expected).
				WithField("weight_grams", "mismatch")
		}
		p.WeightNote = fmt.Sprintf("weight %d g, expected %d g, confirmed", weighed, expected)
	}
	o, err := h.store.Pack(ctx, p)
	if err != nil {
		return nil, err
	}
	out, err := h.stationOrder(ctx, o)
	if err != nil {
		return nil, err
	}
	return api.PackOrder200JSONResponse(out), nil
}

// ListBoxTypes answers GET /ops/box-types.
func (h apiHandlers) ListBoxTypes(ctx context.Context, _ api.ListBoxTypesRequestObject) (api.ListBoxTypesResponseObject, error) {
	boxes, err := h.store.BoxTypes(ctx)
	if err != nil {
		return nil, err
	}
	out := make(api.ListBoxTypes200JSONResponse, len(boxes))
	for i, b := range boxes {
		out[i] = api.BoxType{Code: b.Code, Name: b.Name, InnerLengthMm: b.InnerLengthMM, InnerWidthMm: b.InnerWidthMM, InnerHeightMm: b.InnerHeightMM,
			MaxWeightGrams: b.MaxWeightGrams, TareGrams: b.TareGrams, SizeClass: b.SizeClass, Thin: b.Thin, Service: &b.Service}
	}
	return out, nil
}
