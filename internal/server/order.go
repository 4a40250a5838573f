package server

import (
	"cmp"
	"context"
	"strconv"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/soko-wms/soko/internal/address"
	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

func orderOut(o *soko.Order) api.Order {
	r := o.Recipient
	out := api.Order{
		OrderNo: o.Number, Status: api.OrderStatus(o.Status), OrderedAt: apiTime(o.OrderedAt),
		ShipTo: api.Address{
			Name: r.Name, Company: r.Company, PostalCode: r.PostalCode, Prefecture: r.Prefecture, City: r.City,
			Address1: r.Street, Address2: r.Building, Phone: r.Phone, Email: r.Email,
		},
		Lines:   []api.OrderLine{},
		Carrier: o.Carrier, Service: o.Service, TimeSlot: string(o.TimeSlot), CodAmount: o.CODAmount,
		ShippingFee: o.ShippingFee, CodFee: o.CODFee, Discount: o.Discount,
		Gift: giftOut(o.Gift),
		Note: o.Note, Priority: o.Priority, CreatedAt: apiTime(o.CreatedAt), UpdatedAt: apiTime(o.UpdatedAt),
	}
	if !o.DeliveryDate.IsZero() {
		out.DeliveryDate = &openapi_types.Date{Time: o.DeliveryDate}
	}
	if !o.ShipDate.IsZero() {
		out.ShipDate = &openapi_types.Date{Time: o.ShipDate}
	}
	for _, l := range o.Lines {
		if l.SetLineID != 0 {
			continue // under its set
		}
		line := api.OrderLine{
			Sku: l.SKU, Quantity: l.Quantity, UnitPrice: l.UnitPrice, TaxRate: l.TaxRate,
			Allocated: l.Allocated, Picked: l.Picked, State: api.OrderLineState(o.LineState(l)),
		}
		if l.IsSet {
			// Whole sets: what the least served component allows.
			cs := []api.OrderLineComponent{}
			line.Allocated, line.Picked = l.Quantity, l.Quantity
			for _, c := range o.SetComponents(l) {
				cs = append(cs, api.OrderLineComponent{Sku: c.SKU, Quantity: c.Quantity, Allocated: c.Allocated, Picked: c.Picked})
				per := c.Quantity / max(l.Quantity, 1)
				line.Allocated, line.Picked = min(line.Allocated, c.Allocated/max(per, 1)), min(line.Picked, c.Picked/max(per, 1))
			}
			line.Components = &cs
		}
		out.Lines = append(out.Lines, line)
	}
	out.TrackingNumbers = append([]string{}, o.TrackingNumbers...)
	out.Consolidate = ptr(!o.NoConsolidation)
	if o.ConsolidatedIntoNumber != "" {
		out.ConsolidatedInto = &o.ConsolidatedIntoNumber
	}
	if o.Status == soko.OrderOnHold {
		reason := cmp.Or(o.HoldReason, soko.HoldWarehouse)
		out.Hold = &api.OrderHold{Reason: api.OrderHoldReason(reason), Note: o.HoldNote}
	}
	return out
}

// CreateOrder answers POST /api/v1/orders. The address and the shipping
// choices are checked here, all at once, so a shop hears of every mistake in
// one answer instead of at label printing.
func (h apiHandlers) CreateOrder(ctx context.Context, req api.CreateOrderRequestObject) (api.CreateOrderResponseObject, error) {
	lang := langOf(ctx)
	bad := soko.Errorf(soko.EINVALID, "the order cannot be accepted").JA("この出荷指示は受け付けられません")
	o, sent, err := h.newOrder(ctx, req.Body, bad)
	if err != nil {
		return nil, err
	}
	if len(bad.Fields) > 0 {
		return nil, bad
	}
	// Allocated on arrival when the stock is there; otherwise it waits as
	// backordered for the worker, or received when other orders were
	// reserving its stock just then. The order and its allocation are one
	// transaction: an order the allocation fails for is not taken.
	saved, err := h.store.CreateAndAllocateOrder(ctx, o, h.rules)
	if err != nil {
		return nil, err
	}
	out := orderOut(saved)
	// What normalising changed in what the shop sent, so that whoever
	// entered the order sees the label will not print it as typed.
	if rw := address.Rewrites(sent, o.Recipient, "ship_to"); len(rw) > 0 {
		ws := make([]api.OrderWarning, len(rw))
		for i, w := range rw {
			ws[i] = api.OrderWarning{Field: w.Field, Message: w.Message.In(lang), Sent: w.Sent, Stored: w.Stored}
		}
		out.Warnings = &ws
	}
	return api.CreateOrder201JSONResponse(out), nil
}

// newOrder reads a new order as the merchant sent it and adds to bad what
// the business rules refuse in it (unknown SKUs, address, carrier
// choices); sent is the address before normalising.
func (h apiHandlers) newOrder(ctx context.Context, in *api.OrderInput, bad *soko.Error) (o *soko.Order, sent soko.Address, err error) {
	lang, merchantID := langOf(ctx), merchantOf(ctx)
	sent = soko.Address{
		Name: in.ShipTo.Name, Company: deref(in.ShipTo.Company), PostalCode: in.ShipTo.PostalCode,
		Prefecture: in.ShipTo.Prefecture, City: in.ShipTo.City, Street: in.ShipTo.Address1,
		Building: deref(in.ShipTo.Address2), Phone: deref(in.ShipTo.Phone), Email: deref(in.ShipTo.Email),
	}
	o = &soko.Order{
		MerchantID: merchantID, Number: in.OrderNo, Status: soko.OrderReceived, Recipient: address.Normalize(sent),
		Carrier: string(deref(in.Carrier)), Service: deref(in.Service), TimeSlot: soko.TimeSlot(deref(in.TimeSlot)),
		CODAmount: deref(in.CodAmount), ShippingFee: deref(in.ShippingFee), CODFee: deref(in.CodFee), Discount: deref(in.Discount),
		Note: deref(in.Note), Priority: deref(in.Priority), OrderedAt: deref(in.OrderedAt), NoConsolidation: in.Consolidate != nil && !*in.Consolidate,
	}
	o.Gift = giftIn(in.Gift)
	if in.DeliveryDate != nil {
		o.DeliveryDate = in.DeliveryDate.Time
	}
	if in.Hold != nil {
		// Held from the start: allocation reserves its stock, and it
		// stays on hold until the merchant releases it.
		o.Status, o.HeldFrom = soko.OrderOnHold, soko.OrderReceived
		o.HoldReason, o.HoldNote = soko.HoldReason(in.Hold.Reason), deref(in.Hold.Note)
	}
	if o.Lines, err = h.orderLines(ctx, merchantID, in.Lines, bad, lang); err != nil {
		return nil, sent, err
	}
	h.checkOrder(o, bad, lang)
	if err := h.planShipDate(ctx, o, in.ShipDate, bad, lang); err != nil {
		return nil, sent, err
	}
	return o, sent, nil
}

// recipientOf is a ship-to address as sent, normalised.
func recipientOf(t api.ShipTo) soko.Address {
	return address.Normalize(soko.Address{
		Name: t.Name, Company: deref(t.Company), PostalCode: t.PostalCode,
		Prefecture: t.Prefecture, City: t.City, Street: t.Address1,
		Building: deref(t.Address2), Phone: deref(t.Phone), Email: deref(t.Email),
	})
}

// orderLines are an order's lines as sent, a price or a tax rate left out
// taken from the product; an unknown SKU is added to bad.
func (h apiHandlers) orderLines(ctx context.Context, merchantID int64, in []api.OrderLineInput, bad *soko.Error, lang string) ([]soko.OrderLine, error) {
	// The products of the lines are read at once, in one statement: the
	// order written next in the request's transaction uses them too.
	var skus []string
	for _, l := range in {
		skus = append(skus, l.Sku)
	}
	products, err := h.store.ProductsBySKU(ctx, merchantID, skus)
	if err != nil {
		return nil, err
	}
	lines := make([]soko.OrderLine, len(in))
	for i, l := range in {
		line := soko.OrderLine{SKU: l.Sku, Quantity: l.Quantity, UnitPrice: deref(l.UnitPrice), TaxRate: int(deref(l.TaxRate))}
		if l.UnitPrice == nil || l.TaxRate == nil {
			if p := products[l.Sku]; p != nil {
				if l.UnitPrice == nil {
					line.UnitPrice = p.Price
				}
				if l.TaxRate == nil {
					line.TaxRate = p.TaxRate
				}
			} else {
				bad.WithField(linesField(i), soko.Text{JA: "未登録の商品です", EN: "unknown SKU"}.In(lang))
			}
		}
		lines[i] = line
	}
	return lines, nil
}

// checkOrder adds to bad what is wrong with an order's address, shipping
// choices and what soko.AcceptOrder decides: the rules a new order and a
// changed one both meet, and an imported one too.
func (h apiHandlers) checkOrder(o *soko.Order, bad *soko.Error, lang string) {
	for _, p := range address.Check(o.Recipient, "ship_to") {
		bad.WithField(p.Field, p.Message.In(lang))
	}
	for _, p := range carrier.Validate(o) {
		bad.WithField(p.Field, p.Message.In(lang))
	}
	for _, p := range carrier.CheckRecipient(o.Carrier, o.Recipient) {
		bad.WithField(p.Field, p.Message.In(lang))
	}
	for _, p := range soko.AcceptOrder(o, h.now().In(soko.JST)) {
		bad.WithField(p.Field, p.Message.In(lang))
	}
}

// ChangeOrder answers PATCH /api/v1/orders/{order_no}: the fields sent
// change, the result is checked as a new order is, and the storage refuses
// it once picking has started or, with If-Match, when the order changed
// since the client read it.
func (h apiHandlers) ChangeOrder(ctx context.Context, req api.ChangeOrderRequestObject) (api.ChangeOrderResponseObject, error) {
	in, lang, merchantID := req.Body, langOf(ctx), merchantOf(ctx)
	o, err := h.store.FindOrder(ctx, merchantID, req.OrderNo)
	if err != nil {
		return nil, err
	}
	if tag := deref(req.Params.IfMatch); tag != "" && !matchesETag(tag, jsonETag(orderOut(o))) {
		return nil, soko.Errorf(soko.EPRECONDITION, "order %s changed since you read it: read it again", o.Number).
			JA("注文 %s は読み取り後に変更されています。もう一度読み取ってください", o.Number).
			WithField("If-Match", soko.Text{JA: "最新のETagではありません", EN: "not the current ETag"}.In(lang))
	}
	bad := soko.Errorf(soko.EINVALID, "the change cannot be accepted").JA("この変更は受け付けられません")
	change, err := h.changedOrder(ctx, o, in, bad, lang)
	if err != nil {
		return nil, err
	}
	if len(bad.Fields) > 0 {
		return nil, bad
	}
	if err := h.store.ChangeOrder(ctx, &change); err != nil {
		return nil, err
	}
	if change.Reallocate {
		if _, err := h.store.AllocateOrder(ctx, o.ID, h.rules); err != nil {
			h.log.Warn("allocate after a change", "order", o.Number, "err", err)
		}
	}
	saved, err := h.store.FindOrder(ctx, merchantID, o.Number)
	if err != nil {
		return nil, err
	}
	return api.ChangeOrder200JSONResponse(orderOut(saved)), nil
}

// changedOrder applies the change in to o, checks the result as a new
// order is checked and adds what the rules refuse to bad.
func (h apiHandlers) changedOrder(ctx context.Context, o *soko.Order, in *api.OrderChange, bad *soko.Error, lang string) (soko.OrderChange, error) {
	change := soko.OrderChange{OrderID: o.ID, ReadAt: o.UpdatedAt, Order: o}
	var err error
	if in.ShipTo != nil {
		o.Recipient = recipientOf(*in.ShipTo)
	}
	if in.Lines != nil {
		if o.Lines, err = h.orderLines(ctx, o.MerchantID, *in.Lines, bad, lang); err != nil {
			return change, err
		}
		change.Lines = true
	}
	if in.Carrier != nil {
		o.Carrier = string(*in.Carrier)
	}
	if in.Service != nil {
		o.Service = *in.Service
	}
	if in.TimeSlot != nil {
		o.TimeSlot = soko.TimeSlot(*in.TimeSlot)
	}
	if in.DeliveryDate != nil {
		o.DeliveryDate = in.DeliveryDate.Time
	}
	if deref(in.ClearDeliveryDate) {
		if in.DeliveryDate != nil {
			bad.WithField("clear_delivery_date", soko.Text{JA: "delivery_date と同時には指定できません", EN: "cannot be sent with delivery_date"}.In(lang))
		}
		o.DeliveryDate = time.Time{}
	}
	for _, f := range []struct {
		sent *int64
		to   *int64
	}{{in.CodAmount, &o.CODAmount}, {in.ShippingFee, &o.ShippingFee}, {in.CodFee, &o.CODFee}, {in.Discount, &o.Discount}} {
		if f.sent != nil {
			*f.to = *f.sent
		}
	}
	if in.Note != nil {
		o.Note = *in.Note
	}
	if in.Priority != nil {
		o.Priority = *in.Priority
	}
	h.checkOrder(o, bad, lang)
	// The ship date follows a new delivery date, carrier or address, unless
	// the merchant sets one.
	if in.ShipDate != nil || in.DeliveryDate != nil || in.ClearDeliveryDate != nil || in.Carrier != nil || in.ShipTo != nil {
		if err := h.planShipDate(ctx, o, in.ShipDate, bad, lang); err != nil {
			return change, err
		}
	}
	return change, nil
}

func linesField(i int) string { return "lines[" + strconv.Itoa(i) + "].sku" }

// GetOrder answers GET /api/v1/orders/{order_no}.
func (h apiHandlers) GetOrder(ctx context.Context, req api.GetOrderRequestObject) (api.GetOrderResponseObject, error) {
	o, err := h.store.FindOrder(ctx, merchantOf(ctx), req.OrderNo)
	if err != nil {
		return nil, err
	}
	return api.GetOrder200JSONResponse(orderOut(o)), nil
}

// ListOrders answers GET /api/v1/orders.
func (h apiHandlers) ListOrders(ctx context.Context, req api.ListOrdersRequestObject) (api.ListOrdersResponseObject, error) {
	page, err := feedPageOf(req.Params.Limit, req.Params.Cursor, req.Params.UpdatedSince)
	if err != nil {
		return nil, err
	}
	f := soko.OrderFilter{MerchantID: merchantOf(ctx), CreatedSince: deref(req.Params.CreatedSince), CreatedBefore: deref(req.Params.CreatedBefore), Page: page}
	for _, st := range deref(req.Params.Status) {
		f.Statuses = append(f.Statuses, soko.OrderStatus(st))
	}
	os, err := h.store.ListOrders(ctx, f)
	if err != nil {
		return nil, err
	}
	os, next, sync := trimFeedPage(os, page, func(o *soko.Order) int64 { return o.ID },
		func(o *soko.Order) soko.Change { return soko.Change{Seq: o.ChangeSeq, ID: o.ID} })
	out := api.OrderList{Data: make([]api.Order, len(os)), NextCursor: next, SyncCursor: sync}
	for i, o := range os {
		out.Data[i] = orderOut(o)
	}
	return api.ListOrders200JSONResponse(out), nil
}

// CancelOrder answers POST /api/v1/orders/{order_no}/cancel.
func (h apiHandlers) CancelOrder(ctx context.Context, req api.CancelOrderRequestObject) (api.CancelOrderResponseObject, error) {
	reason := ""
	if req.Body != nil {
		reason = deref(req.Body.Reason)
	}
	o, err := h.store.CancelOrder(ctx, merchantOf(ctx), req.OrderNo, reason)
	if err != nil {
		return nil, err
	}
	return api.CancelOrder200JSONResponse(orderOut(o)), nil
}

// HoldOrder answers POST /api/v1/orders/{order_no}/hold.
func (h apiHandlers) HoldOrder(ctx context.Context, req api.HoldOrderRequestObject) (api.HoldOrderResponseObject, error) {
	o, err := h.store.HoldOrder(ctx, merchantOf(ctx), req.OrderNo, soko.HoldReason(req.Body.Reason), deref(req.Body.Note))
	if err != nil {
		return nil, err
	}
	return api.HoldOrder200JSONResponse(orderOut(o)), nil
}

// ReleaseOrder answers POST /api/v1/orders/{order_no}/release. An order
// released to wait for stock is allocated at once when the stock is there.
func (h apiHandlers) ReleaseOrder(ctx context.Context, req api.ReleaseOrderRequestObject) (api.ReleaseOrderResponseObject, error) {
	merchantID := merchantOf(ctx)
	o, err := h.store.ReleaseOrder(ctx, merchantID, req.OrderNo)
	if err != nil {
		return nil, err
	}
	if o.Status == soko.OrderReceived || o.Status == soko.OrderBackordered {
		if _, err := h.store.AllocateOrder(ctx, o.ID, h.rules); err != nil {
			h.log.Warn("allocate on release", "order", o.Number, "err", err)
		} else if o, err = h.store.FindOrder(ctx, merchantID, req.OrderNo); err != nil {
			return nil, err
		}
	}
	return api.ReleaseOrder200JSONResponse(orderOut(o)), nil
}

// ListOrderEvents answers GET /api/v1/orders/{order_no}/events.
func (h apiHandlers) ListOrderEvents(ctx context.Context, req api.ListOrderEventsRequestObject) (api.ListOrderEventsResponseObject, error) {
	events, err := h.store.ListOrderEvents(ctx, merchantOf(ctx), req.OrderNo)
	if err != nil {
		return nil, err
	}
	out := api.OrderEventList{Data: make([]api.OrderEvent, len(events))}
	for i, e := range events {
		out.Data[i] = api.OrderEvent{Seq: e.Seq, Type: string(e.Action), From: string(e.From), To: string(e.To), At: apiTime(e.CreatedAt)}
		if e.Detail != "" {
			out.Data[i].Detail = &e.Detail
		}
	}
	return api.ListOrderEvents200JSONResponse(out), nil
}
