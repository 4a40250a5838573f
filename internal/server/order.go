package server

import (
	"context"
	"strconv"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/soko-wms/soko/internal/address"
	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// japan is the warehouse's time zone: "today" for a delivery date is Japan's today.
var japan = time.FixedZone("JST", 9*60*60)

func orderOut(o *soko.Order) api.Order {
	r := o.Recipient
	out := api.Order{
		OrderNo: o.Number, Status: api.OrderStatus(o.Status), OrderedAt: apiTime(o.OrderedAt),
		ShipTo: api.Address{
			Name: r.Name, Company: r.Company, PostalCode: r.PostalCode, Prefecture: r.Prefecture, City: r.City,
			Address1: r.Street, Address2: r.Building, Phone: r.Phone, Email: r.Email,
		},
		Lines:   make([]api.OrderLine, len(o.Lines)),
		Carrier: o.Carrier, Service: o.Service, TimeSlot: string(o.TimeSlot), CodAmount: o.CODAmount,
		Gift: api.GiftOptions{Wrap: o.Gift.Wrap, Message: o.Gift.Message, HidePrices: o.Gift.HidePrices},
		Note: o.Note, Priority: o.Priority, CreatedAt: apiTime(o.CreatedAt), UpdatedAt: apiTime(o.UpdatedAt),
	}
	if !o.DeliveryDate.IsZero() {
		out.DeliveryDate = &openapi_types.Date{Time: o.DeliveryDate}
	}
	for i, l := range o.Lines {
		out.Lines[i] = api.OrderLine{Sku: l.SKU, Quantity: l.Quantity, UnitPrice: l.UnitPrice, TaxRate: l.TaxRate}
	}
	return out
}

// CreateOrder answers POST /api/v1/orders. The address and the shipping
// choices are checked here, all at once, so a shop hears of every mistake in
// one answer instead of at label printing.
func (h apiHandlers) CreateOrder(ctx context.Context, req api.CreateOrderRequestObject) (api.CreateOrderResponseObject, error) {
	in, lang := req.Body, langOf(ctx)
	merchantID := merchantOf(ctx)
	sent := soko.Address{
		Name: in.ShipTo.Name, Company: deref(in.ShipTo.Company), PostalCode: in.ShipTo.PostalCode,
		Prefecture: in.ShipTo.Prefecture, City: in.ShipTo.City, Street: in.ShipTo.Address1,
		Building: deref(in.ShipTo.Address2), Phone: deref(in.ShipTo.Phone), Email: deref(in.ShipTo.Email),
	}
	o := &soko.Order{
		MerchantID: merchantID, Number: in.OrderNo, Status: soko.OrderReceived,
		Recipient: address.Normalize(sent),
		Carrier:   string(deref(in.Carrier)), Service: deref(in.Service), TimeSlot: soko.TimeSlot(deref(in.TimeSlot)),
		CODAmount: deref(in.CodAmount), Note: deref(in.Note), Priority: deref(in.Priority), OrderedAt: deref(in.OrderedAt),
	}
	if in.Gift != nil {
		o.Gift = soko.GiftOptions{Wrap: deref(in.Gift.Wrap), Message: deref(in.Gift.Message), HidePrices: deref(in.Gift.HidePrices)}
	}
	if in.DeliveryDate != nil {
		o.DeliveryDate = in.DeliveryDate.Time
	}

	bad := soko.Errorf(soko.EINVALID, "the order cannot be accepted").JA("この出荷指示は受け付けられません")
	for _, p := range address.Check(o.Recipient, "ship_to") {
		bad.WithField(p.Field, localized(lang, p.Japanese, p.English))
	}
	for _, p := range carrier.CheckOrder(o.Carrier, o.Service, o.TimeSlot, !o.DeliveryDate.IsZero(), o.CODAmount) {
		bad.WithField(p.Field, localized(lang, p.Japanese, p.English))
	}
	for _, p := range carrier.CheckRecipient(o.Carrier, o.Recipient) {
		bad.WithField(p.Field, localized(lang, p.Japanese, p.English))
	}
	today := h.now().In(japan).Format("2006-01-02")
	if !o.DeliveryDate.IsZero() && o.DeliveryDate.Format("2006-01-02") < today {
		bad.WithField("delivery_date", localized(lang, "お届け希望日が過去の日付です", "delivery date is in the past"))
	}
	products := map[string]*soko.Product{}
	for i, l := range in.Lines {
		line := soko.OrderLine{SKU: l.Sku, Quantity: l.Quantity, UnitPrice: deref(l.UnitPrice), TaxRate: int(deref(l.TaxRate))}
		if l.UnitPrice == nil || l.TaxRate == nil {
			p, ok := products[l.Sku]
			if !ok {
				var err error
				p, err = h.store.FindProduct(ctx, merchantID, l.Sku)
				if err != nil && soko.ErrorCode(err) != soko.ENOTFOUND {
					return nil, err
				}
				products[l.Sku] = p
			}
			if p != nil {
				if l.UnitPrice == nil {
					line.UnitPrice = p.Price
				}
				if l.TaxRate == nil {
					line.TaxRate = p.TaxRate
				}
			} else {
				bad.WithField(linesField(i), localized(lang, "未登録の商品です", "unknown SKU"))
			}
		}
		o.Lines = append(o.Lines, line)
	}
	if len(bad.Fields) > 0 {
		return nil, bad
	}
	if err := h.store.CreateOrder(ctx, o); err != nil {
		return nil, err
	}
	// Allocated on arrival when the stock is there; otherwise it waits as
	// backordered for the worker. The order stands either way.
	if _, err := h.store.AllocateOrder(ctx, o.ID, h.rules); err != nil {
		h.log.Warn("allocate on arrival", "order", o.Number, "err", err)
	}
	saved, err := h.store.FindOrder(ctx, merchantID, o.Number)
	if err != nil {
		return nil, err
	}
	out := orderOut(saved)
	// What normalising changed in what the shop sent, so that whoever
	// entered the order sees the label will not print it as typed.
	if rw := address.Rewrites(sent, o.Recipient, "ship_to"); len(rw) > 0 {
		ws := make([]api.OrderWarning, len(rw))
		for i, w := range rw {
			ws[i] = api.OrderWarning{Field: w.Field, Message: localized(lang, w.Japanese, w.English), Sent: w.Sent, Stored: w.Stored}
		}
		out.Warnings = &ws
	}
	return api.CreateOrder201JSONResponse(out), nil
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
	page, err := pageOf(req.Params.Limit, req.Params.Cursor, req.Params.UpdatedSince)
	if err != nil {
		return nil, err
	}
	os, err := h.store.ListOrders(ctx, soko.OrderFilter{MerchantID: merchantOf(ctx), Status: soko.OrderStatus(deref(req.Params.Status)), Page: page})
	if err != nil {
		return nil, err
	}
	os, next := trimPage(os, page, func(o *soko.Order) int64 { return o.ID })
	out := api.OrderList{Data: make([]api.Order, len(os)), NextCursor: next}
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
