package server

import (
	"context"
	"fmt"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// receiveStore is what receive.go's handlers need of the store.
type receiveStore interface {
	FindMerchantByCode(ctx context.Context, code string) (*soko.Merchant, error)
	OpsInbounds(ctx context.Context, status soko.InboundStatus, id int64) ([]*soko.Inbound, map[int64]string, error)
	FinishReceiving(ctx context.Context, inboundID int64) error
	Receive(ctx context.Context, r *soko.Receipt) (soko.ReceiptResult, error)
	PutAway(ctx context.Context, m *soko.Move) ([]soko.StockLot, error)
}

func opsInboundOut(in *soko.Inbound, merchantCode string) api.OpsInbound {
	out := api.OpsInbound{Id: in.ID, MerchantCode: merchantCode, InboundNo: in.Number, Status: api.InboundStatus(in.Status), Lines: []api.OpsInboundLine{}}
	if !in.ExpectedDate.IsZero() {
		out.ExpectedDate = &openapi_types.Date{Time: in.ExpectedDate}
	}
	for _, l := range in.Lines {
		out.Lines = append(out.Lines, api.OpsInboundLine{Sku: l.SKU, Name: l.Name, Quantity: l.Quantity, Received: l.Received, TrackLot: l.TrackLot, TrackExpiry: l.TrackExpiry})
	}
	return out
}

// ListOpsInbounds answers GET /ops/inbounds.
func (h apiHandlers) ListOpsInbounds(ctx context.Context, req api.ListOpsInboundsRequestObject) (api.ListOpsInboundsResponseObject, error) {
	if _, err := allow(ctx, soko.MenuReceive); err != nil {
		return nil, err
	}
	ins, codes, err := h.store.OpsInbounds(ctx, soko.InboundStatus(deref(req.Params.Status)), 0)
	if err != nil {
		return nil, err
	}
	out := make(api.ListOpsInbounds200JSONResponse, len(ins))
	for i, in := range ins {
		out[i] = opsInboundOut(in, codes[in.MerchantID])
	}
	return out, nil
}

// GetOpsInbound answers GET /ops/inbounds/{inbound_id}.
func (h apiHandlers) GetOpsInbound(ctx context.Context, req api.GetOpsInboundRequestObject) (api.GetOpsInboundResponseObject, error) {
	if _, err := allow(ctx, soko.MenuReceive); err != nil {
		return nil, err
	}
	in, code, err := h.opsInbound(ctx, req.InboundId)
	if err != nil {
		return nil, err
	}
	return api.GetOpsInbound200JSONResponse(opsInboundOut(in, code)), nil
}

func (h apiHandlers) opsInbound(ctx context.Context, id int64) (*soko.Inbound, string, error) {
	ins, codes, err := h.store.OpsInbounds(ctx, "", id)
	if err != nil {
		return nil, "", err
	}
	return ins[0], codes[ins[0].MerchantID], nil
}

// FinishReceiving answers POST /ops/inbounds/{inbound_id}/finish.
func (h apiHandlers) FinishReceiving(ctx context.Context, req api.FinishReceivingRequestObject) (api.FinishReceivingResponseObject, error) {
	if _, err := allow(ctx, soko.MenuReceive); err != nil {
		return nil, err
	}
	if err := h.store.FinishReceiving(ctx, req.InboundId); err != nil {
		return nil, err
	}
	in, code, err := h.opsInbound(ctx, req.InboundId)
	if err != nil {
		return nil, err
	}
	return api.FinishReceiving200JSONResponse(opsInboundOut(in, code)), nil
}

// ReceiveScan answers POST /ops/receive: one scan of arriving goods.
func (h apiHandlers) ReceiveScan(ctx context.Context, req api.ReceiveScanRequestObject) (api.ReceiveScanResponseObject, error) {
	sess, err := allow(ctx, soko.MenuReceive)
	if err != nil {
		return nil, err
	}
	in, lang := req.Body, langOf(ctx)
	var merchantID int64
	switch {
	case in.InboundId != nil:
		inbound, _, err := h.opsInbound(ctx, *in.InboundId)
		if err != nil {
			return nil, err
		}
		merchantID = inbound.MerchantID
	case deref(in.MerchantCode) != "":
		m, err := h.store.FindMerchantByCode(ctx, *in.MerchantCode)
		if err != nil {
			return nil, err
		}
		merchantID = m.ID
	}
	item, err := h.resolve(ctx, in.Code, merchantID, "")
	if err != nil {
		return nil, err
	}
	p := item.Product
	r := &soko.Receipt{
		ScanID: in.ScanId, Code: in.Code, StaffID: sess.Staff.ID, Device: sess.Device, InboundID: deref(in.InboundId),
		MerchantID: p.MerchantID, ProductID: p.ID, Units: item.Units * max(1, deref(in.Quantity)),
		Lot: item.Code.Lot, Expiry: item.Code.Expiry,
	}
	if r.Lot == "" {
		r.Lot = deref(in.Lot)
	}
	if r.Expiry.IsZero() && in.Expiry != nil {
		r.Expiry = in.Expiry.Time
	}
	if ps := r.Check(p); len(ps) > 0 {
		need := soko.Errorf(soko.EINVALID, "%s needs its lot and expiry", p.Name).JA("%s はロット・賞味期限の入力が必要です", p.Name)
		for _, pr := range ps {
			need.WithField(pr.Field, pr.Message.In(lang))
		}
		return nil, need
	}
	res, err := h.store.Receive(ctx, r)
	if err != nil {
		return nil, err
	}
	out := api.ScanResult{Sku: p.SKU, Name: p.Name, MerchantCode: &item.MerchantCode, Quantity: r.Units, Lot: &r.Lot}
	if !r.Expiry.IsZero() {
		out.Expiry = &openapi_types.Date{Time: r.Expiry}
	}
	out.Message = soko.Text{JA: fmt.Sprintf("入荷 %s ×%d", p.Name, r.Units), EN: fmt.Sprintf("Received %s ×%d", p.Name, r.Units)}.In(lang)
	if r.InboundID != 0 {
		out.Expected, out.Received, out.OverReceipt = &res.Expected, &res.Received, &res.OverReceipt
		out.Message += fmt.Sprintf("（%d/%d）", res.Received, res.Expected)
		if res.OverReceipt {
			out.Message += soko.Text{JA: " 予定数を超えています", EN: " more than expected"}.In(lang)
		}
	}
	return api.ReceiveScan200JSONResponse(out), nil
}

// PutAwayScan answers POST /ops/putaway: goods from receiving onto a shelf.
func (h apiHandlers) PutAwayScan(ctx context.Context, req api.PutAwayScanRequestObject) (api.PutAwayScanResponseObject, error) {
	sess, err := allow(ctx, soko.MenuPutAway)
	if err != nil {
		return nil, err
	}
	in, lang := req.Body, langOf(ctx)
	item, err := h.resolve(ctx, in.Code, 0, deref(in.From))
	if err != nil {
		return nil, err
	}
	m := &soko.Move{
		ScanID: in.ScanId, Code: in.Code, StaffID: sess.Staff.ID, Device: sess.Device, ProductID: item.Product.ID,
		Lot: item.Code.Lot, Units: item.Units, From: deref(in.From), To: in.To,
	}
	if in.Quantity != nil {
		m.Units = *in.Quantity
	}
	if m.Lot == "" {
		m.Lot = deref(in.Lot)
	}
	moved, err := h.store.PutAway(ctx, m)
	if err != nil {
		return nil, err
	}
	h.stockArrived()
	p := item.Product
	out := api.ScanResult{Sku: p.SKU, Name: p.Name, MerchantCode: &item.MerchantCode, Quantity: m.Units, Location: &in.To}
	if len(moved) == 1 {
		out.Lot = &moved[0].Lot
	}
	out.Message = soko.Text{JA: fmt.Sprintf("棚入れ %s ×%d → %s", p.Name, m.Units, in.To), EN: fmt.Sprintf("Put away %s ×%d → %s", p.Name, m.Units, in.To)}.In(lang)
	return api.PutAwayScan200JSONResponse(out), nil
}

// stockArrived tells the allocation worker that waiting orders may now be served.
func (s *Server) stockArrived() {
	if s.onStockArrived != nil {
		s.onStockArrived()
	}
}
