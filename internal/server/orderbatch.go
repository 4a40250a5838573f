package server

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/soko-wms/soko/internal/address"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// CreateOrderBatch answers POST /api/v1/orders/batch: each order taken on
// its own by CreateOrder, in its own transaction, with a result per order.
// Only a failure of soko itself (the database gone) fails the request;
// what was created before it is replayed when the client sends the batch
// again, since the order number is each order's idempotency key.
func (h apiHandlers) CreateOrderBatch(ctx context.Context, req api.CreateOrderBatchRequestObject) (api.CreateOrderBatchResponseObject, error) {
	lang := langOf(ctx)
	schema := h.spec.Components.Schemas["OrderInput"].Value
	out := api.OrderBatchResult{Results: make([]api.OrderBatchItem, len(req.Body.Orders))}
	for i, raw := range req.Body.Orders {
		item := api.OrderBatchItem{Index: i}
		if n, ok := raw["order_no"].(string); ok {
			item.OrderNo = n
		}
		o, err := h.createBatchOrder(ctx, schema, raw, lang)
		switch code := soko.ErrorCode(err); {
		case err == nil:
			item.Result, item.Order = api.OrderBatchItemResultCreated, o
			out.Created++
		case code == soko.EINTERNAL || code == soko.EUNAVAILABLE:
			return nil, err
		case code == soko.ECONFLICT && o != nil:
			item.Result, item.Order = api.OrderBatchItemResultReplayed, o
			out.Replayed++
		default:
			item.Result, item.Problem = api.OrderBatchItemResultRefused, itemProblem(err, lang)
			out.Refused++
		}
		out.Results[i] = item
	}
	return api.CreateOrderBatch200JSONResponse(out), nil
}

// createBatchOrder checks one order of a batch against the OrderInput
// schema, as the single-order route's validator does, and creates it. When
// the order number exists already it returns that order with a conflict if
// it is the same order (a retry), or the conflict alone if it is not.
func (h apiHandlers) createBatchOrder(ctx context.Context, schema *openapi3.Schema, raw map[string]any, lang string) (*api.Order, error) {
	var in api.OrderInput
	if err := decodeItem(schema, raw, &in, lang); err != nil {
		return nil, err
	}
	created, err := h.CreateOrder(ctx, api.CreateOrderRequestObject{Body: &in})
	if err == nil {
		o := api.Order(created.(api.CreateOrder201JSONResponse))
		return &o, nil
	}
	if soko.ErrorCode(err) != soko.ECONFLICT {
		return nil, err
	}
	existing, ferr := h.store.FindOrder(ctx, merchantOf(ctx), in.OrderNo)
	if ferr != nil || !sameOrder(existing, in) {
		return nil, soko.Errorf(soko.ECONFLICT, "order %s exists with another ship-to or other lines", in.OrderNo).
			JA("注文番号 %s は、お届け先または明細が異なる別の出荷指示で使われています", in.OrderNo).
			WithField("order_no", soko.Text{JA: "使用済みの注文番号です", EN: "already used by another order"}.In(lang))
	}
	o := orderOut(existing)
	return &o, err
}

// decodeItem checks one item of a batch against its schema, as the
// validator checks a single request's body, naming the item's own fields,
// and decodes it into v.
func decodeItem(schema *openapi3.Schema, raw map[string]any, v any, lang string) error {
	if err := schema.VisitJSON(raw, openapi3.MultiErrors()); err != nil {
		bad := soko.Errorf(soko.EINVALID, "the item does not match the API").JA("内容に誤りがあります")
		for _, e := range flatten(err) {
			if se, ok := e.(*openapi3.SchemaError); ok {
				bad.WithField(schemaField("body", se), schemaMessage(se, lang))
			} else {
				bad.WithField("body", e.Error())
			}
		}
		return bad
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return soko.Errorf(soko.EINVALID, "the item cannot be read: %v", err).JA("内容を読み取れません")
	}
	return nil
}

// sameOrder reports whether an order sent again is the one soko holds: the
// same postal code and the same lines, SKU and quantity, in order.
func sameOrder(o *soko.Order, in api.OrderInput) bool {
	sent := address.Normalize(soko.Address{PostalCode: in.ShipTo.PostalCode})
	if o.Recipient.PostalCode != sent.PostalCode {
		return false
	}
	return slices.EqualFunc(o.Lines, in.Lines, func(l soko.OrderLine, in api.OrderLineInput) bool {
		return l.SKU == in.Sku && l.Quantity == in.Quantity
	})
}

// itemProblem is the problem document of one refused item of a batch, as
// the error would be answered on its own.
func itemProblem(err error, lang string) *api.Problem {
	code := soko.ErrorCode(err)
	p := &api.Problem{
		Type: "urn:soko:problem:" + code, Status: statusOf[code],
		Title: title(statusOf[code], lang), Detail: soko.ErrorMessage(err, lang),
	}
	if fields := soko.ErrorFields(err); len(fields) > 0 {
		list := make([]struct {
			Field   string `json:"field"`
			Message string `json:"message"`
		}, len(fields))
		for i, f := range fields {
			list[i].Field, list[i].Message = f.Field, f.Message
		}
		p.Errors = &list
	}
	return p
}
