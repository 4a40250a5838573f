package server

import (
	"context"
	"strings"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// inboundNoticeStore is what inbound.go's handlers need of the store.
type inboundNoticeStore interface {
	CreateInbound(ctx context.Context, in *soko.Inbound) error
	UpdateInbound(ctx context.Context, in *soko.Inbound) error
	CancelInbound(ctx context.Context, merchantID int64, number string) error
	ListInbounds(ctx context.Context, f soko.InboundFilter) ([]*soko.Inbound, error)
}

func inboundOut(in *soko.Inbound) api.Inbound {
	out := api.Inbound{
		InboundNo: in.Number, ExpectedDate: openapi_types.Date{Time: in.ExpectedDate}, Reference: in.Reference, Status: api.InboundStatus(in.Status),
		CreatedAt: apiTime(in.CreatedAt), UpdatedAt: apiTime(in.UpdatedAt), Discrepancies: []api.InboundDiscrepancy{},
	}
	for _, d := range in.Discrepancies() {
		out.Discrepancies = append(out.Discrepancies, api.InboundDiscrepancy{
			Sku: d.SKU, Kind: api.InboundDiscrepancyKind(d.Kind), Lot: d.Lot, Expected: d.Expected, Received: d.Received,
		})
	}
	for _, l := range in.Lines {
		line := api.InboundLine{Sku: l.SKU, Quantity: l.Quantity, Received: l.Received, Lot: l.Lot}
		if !l.Expiry.IsZero() {
			line.Expiry = &openapi_types.Date{Time: l.Expiry}
		}
		out.Lines = append(out.Lines, line)
	}
	return out
}

// CreateInbound answers POST /api/v1/inbounds.
func (h apiHandlers) CreateInbound(ctx context.Context, req api.CreateInboundRequestObject) (api.CreateInboundResponseObject, error) {
	in := &soko.Inbound{MerchantID: merchantOf(ctx), Number: req.Body.InboundNo, ExpectedDate: req.Body.ExpectedDate.Time,
		Reference: strings.TrimSpace(deref(req.Body.Reference)), Lines: inboundLines(req.Body.Lines)}
	if err := h.store.CreateInbound(ctx, in); err != nil {
		return nil, err
	}
	saved, err := h.store.FindInbound(ctx, in.MerchantID, in.Number)
	if err != nil {
		return nil, err
	}
	return api.CreateInbound201JSONResponse(inboundOut(saved)), nil
}

// inboundLines are an inbound's lines as the API sends them.
func inboundLines(lines []api.InboundLineInput) []soko.InboundLine {
	out := make([]soko.InboundLine, len(lines))
	for i, l := range lines {
		out[i] = soko.InboundLine{SKU: l.Sku, Quantity: l.Quantity, Lot: deref(l.Lot)}
		if l.Expiry != nil {
			out[i].Expiry = l.Expiry.Time
		}
	}
	return out
}

// UpdateInbound answers PUT /api/v1/inbounds/{inbound_no}.
func (h apiHandlers) UpdateInbound(ctx context.Context, req api.UpdateInboundRequestObject) (api.UpdateInboundResponseObject, error) {
	in := &soko.Inbound{MerchantID: merchantOf(ctx), Number: req.InboundNo, ExpectedDate: req.Body.ExpectedDate.Time, Lines: inboundLines(req.Body.Lines)}
	if err := h.store.UpdateInbound(ctx, in); err != nil {
		return nil, err
	}
	saved, err := h.store.FindInbound(ctx, in.MerchantID, in.Number)
	if err != nil {
		return nil, err
	}
	return api.UpdateInbound200JSONResponse(inboundOut(saved)), nil
}

// CancelInbound answers POST /api/v1/inbounds/{inbound_no}/cancel.
func (h apiHandlers) CancelInbound(ctx context.Context, req api.CancelInboundRequestObject) (api.CancelInboundResponseObject, error) {
	if err := h.store.CancelInbound(ctx, merchantOf(ctx), req.InboundNo); err != nil {
		return nil, err
	}
	saved, err := h.store.FindInbound(ctx, merchantOf(ctx), req.InboundNo)
	if err != nil {
		return nil, err
	}
	return api.CancelInbound200JSONResponse(inboundOut(saved)), nil
}

// GetInbound answers GET /api/v1/inbounds/{inbound_no}.
func (h apiHandlers) GetInbound(ctx context.Context, req api.GetInboundRequestObject) (api.GetInboundResponseObject, error) {
	in, err := h.store.FindInbound(ctx, merchantOf(ctx), req.InboundNo)
	if err != nil {
		return nil, err
	}
	return api.GetInbound200JSONResponse(inboundOut(in)), nil
}

// ListInbounds answers GET /api/v1/inbounds.
func (h apiHandlers) ListInbounds(ctx context.Context, req api.ListInboundsRequestObject) (api.ListInboundsResponseObject, error) {
	page, err := feedPageOf(req.Params.Limit, req.Params.Cursor, req.Params.UpdatedSince)
	if err != nil {
		return nil, err
	}
	f := soko.InboundFilter{
		MerchantID: merchantOf(ctx), Status: soko.InboundStatus(deref(req.Params.Status)),
		CreatedSince: deref(req.Params.CreatedSince), CreatedBefore: deref(req.Params.CreatedBefore), Page: page,
	}
	ins, err := h.store.ListInbounds(ctx, f)
	if err != nil {
		return nil, err
	}
	ins, next, sync := trimFeedPage(ins, page, func(in *soko.Inbound) int64 { return in.ID },
		func(in *soko.Inbound) soko.Change { return soko.Change{Seq: in.ChangeSeq, ID: in.ID} })
	out := api.InboundList{Data: make([]api.Inbound, len(ins)), NextCursor: next, SyncCursor: sync}
	for i, in := range ins {
		out.Data[i] = inboundOut(in)
	}
	return api.ListInbounds200JSONResponse(out), nil
}
