package server

import (
	"cmp"
	"context"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

func insertOut(in soko.Insert) api.Insert {
	out := api.Insert{
		Code: in.Code, Name: cmp.Or(in.Name, in.ProductName), Sku: in.SKU, Quantity: in.Quantity, Rule: api.InsertRule(in.Rule),
		MinTotal: in.MinTotal, TriggerSku: in.TriggerSKU, Active: in.Active, CreatedAt: apiTime(in.CreatedAt), UpdatedAt: apiTime(in.UpdatedAt),
	}
	if !in.ValidFrom.IsZero() {
		out.ValidFrom = &openapi_types.Date{Time: in.ValidFrom}
	}
	if !in.ValidUntil.IsZero() {
		out.ValidUntil = &openapi_types.Date{Time: in.ValidUntil}
	}
	return out
}

// ListInserts answers GET /api/v1/inserts.
func (h apiHandlers) ListInserts(ctx context.Context, _ api.ListInsertsRequestObject) (api.ListInsertsResponseObject, error) {
	ins, err := h.store.ListInserts(ctx, merchantOf(ctx))
	if err != nil {
		return nil, err
	}
	out := make(api.ListInserts200JSONResponse, len(ins))
	for i, in := range ins {
		out[i] = insertOut(in)
	}
	return out, nil
}

// PutInsert answers PUT /api/v1/inserts/{code}. A rule's own field must
// come with it (min_total, trigger_sku) and no other rule's.
func (h apiHandlers) PutInsert(ctx context.Context, req api.PutInsertRequestObject) (api.PutInsertResponseObject, error) {
	in, lang := req.Body, langOf(ctx)
	ins := &soko.Insert{
		MerchantID: merchantOf(ctx), Code: req.Code, Name: deref(in.Name), SKU: in.Sku, Quantity: max(1, deref(in.Quantity)),
		Rule: soko.InsertRule(in.Rule), MinTotal: deref(in.MinTotal), TriggerSKU: deref(in.TriggerSku), Active: in.Active == nil || *in.Active,
	}
	if in.ValidFrom != nil {
		ins.ValidFrom = in.ValidFrom.Time
	}
	if in.ValidUntil != nil {
		ins.ValidUntil = in.ValidUntil.Time
	}
	bad := soko.Errorf(soko.EINVALID, "the insert cannot be accepted").JA("この同梱物は登録できません")
	switch {
	case ins.Rule == soko.InsertMinTotal && ins.MinTotal == 0:
		bad.WithField("min_total", soko.Text{JA: "金額条件（円）を指定してください", EN: "give the amount in yen"}.In(lang))
	case ins.Rule != soko.InsertMinTotal && in.MinTotal != nil:
		bad.WithField("min_total", soko.Text{JA: "min_total は rule が min_total のときだけ指定できます", EN: "min_total goes with rule min_total only"}.In(lang))
	}
	switch {
	case ins.Rule == soko.InsertContainsSKU && ins.TriggerSKU == "":
		bad.WithField("trigger_sku", soko.Text{JA: "対象商品のSKUを指定してください", EN: "give the product that triggers it"}.In(lang))
	case ins.Rule != soko.InsertContainsSKU && ins.TriggerSKU != "":
		bad.WithField("trigger_sku", soko.Text{JA: "trigger_sku は rule が contains_sku のときだけ指定できます", EN: "trigger_sku goes with rule contains_sku only"}.In(lang))
	}
	if !ins.ValidFrom.IsZero() && !ins.ValidUntil.IsZero() && ins.ValidUntil.Before(ins.ValidFrom) {
		bad.WithField("valid_until", soko.Text{JA: "終了日が開始日より前です", EN: "ends before it starts"}.In(lang))
	}
	if len(bad.Fields) > 0 {
		return nil, bad
	}
	created, err := h.store.PutInsert(ctx, ins)
	if err != nil {
		return nil, err
	}
	all, err := h.store.ListInserts(ctx, ins.MerchantID)
	if err != nil {
		return nil, err
	}
	for _, a := range all {
		if a.Code == ins.Code {
			ins = &a
		}
	}
	if created {
		return api.PutInsert201JSONResponse(insertOut(*ins)), nil
	}
	return api.PutInsert200JSONResponse(insertOut(*ins)), nil
}

// DeleteInsert answers DELETE /api/v1/inserts/{code}.
func (h apiHandlers) DeleteInsert(ctx context.Context, req api.DeleteInsertRequestObject) (api.DeleteInsertResponseObject, error) {
	if err := h.store.DeleteInsert(ctx, merchantOf(ctx), req.Code); err != nil {
		return nil, err
	}
	return api.DeleteInsert204Response{}, nil
}
