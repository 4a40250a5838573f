package server

import (
	"bytes"
	"context"
	"fmt"

	"github.com/soko-wms/soko/internal/pdf"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// Returns (返品・交換): merchants announce them over the API, the returns
// desk receives them on the handheld (/hh/returns), the console follows them.

// returnStore is what returns need of the store.
type returnStore interface {
	CreateReturn(ctx context.Context, nr *soko.NewReturn) (*soko.Return, error)
	FindReturn(ctx context.Context, merchantID int64, number string) (*soko.Return, error)
	ReturnByID(ctx context.Context, id int64) (*soko.Return, error)
	ListReturns(ctx context.Context, f soko.ReturnFilter) ([]*soko.Return, error)
	IdentifyReturn(ctx context.Context, code string) (*soko.Return, error)
	ReceiveReturnUnit(ctx context.Context, u *soko.ReturnUnitScan) (*soko.Return, error)
	FinishReturn(ctx context.Context, id, staffID int64) (*soko.ReturnReceipt, error)
	CompleteReturn(ctx context.Context, id int64) (*soko.Return, error)
	ReturnsReport(ctx context.Context) (*soko.ReturnsReport, error)
	AllocateWaiting(ctx context.Context, rules soko.AllocationRules) (int, error)
}

// CreateReturn answers POST /api/v1/returns.
func (h apiHandlers) CreateReturn(ctx context.Context, req api.CreateReturnRequestObject) (api.CreateReturnResponseObject, error) {
	in := req.Body
	nr := &soko.NewReturn{
		MerchantID: merchantOf(ctx), Number: in.ReturnNo, OrderNumber: in.OrderNo, Reason: soko.ReturnReason(in.Reason),
		Disposition: soko.ReturnDisposition(in.Disposition), ExchangeAtOnce: deref(in.ExchangeAtOnce), Note: deref(in.Note),
	}
	for _, l := range in.Lines {
		nr.Lines = append(nr.Lines, soko.ReturnLineInput{SKU: l.Sku, Quantity: l.Quantity})
	}
	r, err := h.store.CreateReturn(ctx, nr)
	if err != nil {
		return nil, err
	}
	if r.ExchangeOrderNo != "" {
		h.allocateExchange(ctx, r)
	}
	return api.CreateReturn201JSONResponse(returnOut(r, langOf(ctx), false)), nil
}

// allocateExchange allocates a return's replacement order when stock is
// there; otherwise it waits as backordered like any order.
func (h apiHandlers) allocateExchange(ctx context.Context, r *soko.Return) {
	o, err := h.store.FindOrder(ctx, r.MerchantID, r.ExchangeOrderNo)
	if err == nil && (o.Status == soko.OrderReceived || o.Status == soko.OrderBackordered) {
		_, err = h.store.AllocateOrder(ctx, o.ID, h.rules)
	}
	if err != nil {
		h.log.Warn("allocate exchange order", "order", r.ExchangeOrderNo, "err", err)
	}
}

// GetReturn answers GET /api/v1/returns/{return_no}.
func (h apiHandlers) GetReturn(ctx context.Context, req api.GetReturnRequestObject) (api.GetReturnResponseObject, error) {
	r, err := h.store.FindReturn(ctx, merchantOf(ctx), req.ReturnNo)
	if err != nil {
		return nil, err
	}
	return api.GetReturn200JSONResponse(returnOut(r, langOf(ctx), false)), nil
}

// ListReturns answers GET /api/v1/returns.
func (h apiHandlers) ListReturns(ctx context.Context, req api.ListReturnsRequestObject) (api.ListReturnsResponseObject, error) {
	page, err := pageOf(req.Params.Limit, req.Params.Cursor, req.Params.UpdatedSince)
	if err != nil {
		return nil, err
	}
	rs, err := h.store.ListReturns(ctx, soko.ReturnFilter{MerchantID: merchantOf(ctx), Open: deref(req.Params.Open), Page: page})
	if err != nil {
		return nil, err
	}
	rs, next := trimPage(rs, page, func(r *soko.Return) int64 { return r.ID })
	out := api.ReturnList{Data: make([]api.Return, len(rs)), NextCursor: next}
	for i, r := range rs {
		out.Data[i] = returnOut(r, langOf(ctx), false)
	}
	return api.ListReturns200JSONResponse(out), nil
}

// returnOut is a return as the API shows it; staff also see its merchant.
func returnOut(r *soko.Return, lang string, staff bool) api.Return {
	out := api.Return{
		Id: r.ID, ReturnNo: r.Number, OrderNo: r.OrderNumber, Status: api.ReturnStatus(r.Status), Reason: api.ReturnReason(r.Reason),
		ReasonLabel: ptr(r.Reason.Label().In(lang)), Disposition: api.ReturnDisposition(r.Disposition),
		Announced: r.Announced, ExchangeAtOnce: r.ExchangeAtOnce, CreatedAt: apiTime(r.CreatedAt), Lines: make([]api.ReturnLine, len(r.Lines)), NotOurs: r.Wrong,
	}
	if staff {
		out.MerchantName = ptr(r.MerchantName)
	}
	if r.ExchangeOrderNo != "" {
		out.ExchangeOrderNo = ptr(r.ExchangeOrderNo)
	}
	if r.TrackingNumber != "" {
		out.TrackingNumber = ptr(r.TrackingNumber)
	}
	if r.Note != "" {
		out.Note = ptr(r.Note)
	}
	if !r.ReceivedAt.IsZero() {
		out.ReceivedAt = ptr(apiTime(r.ReceivedAt))
	}
	if !r.CompletedAt.IsZero() {
		out.CompletedAt = ptr(apiTime(r.CompletedAt))
	}
	for i, l := range r.Lines {
		out.Lines[i] = api.ReturnLine{Sku: l.SKU, Name: l.Name, Quantity: l.Quantity, Received: l.Received(), Grades: api.ReturnGrades{
			Sellable: l.Graded[soko.GradeSellable], Damaged: l.Graded[soko.GradeDamaged], Opened: l.Graded[soko.GradeOpened]}}
	}
	return out
}

// ListOpsReturns answers GET /ops/returns: the console's returns section.
func (h apiHandlers) ListOpsReturns(ctx context.Context, _ api.ListOpsReturnsRequestObject) (api.ListOpsReturnsResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	rep, err := h.store.ReturnsReport(ctx)
	if err != nil {
		return nil, err
	}
	lang := langOf(ctx)
	out := api.ListOpsReturns200JSONResponse{Open: make([]api.Return, len(rep.Open))}
	for i, r := range rep.Open {
		out.Open[i] = returnOut(r, lang, true)
		out.Open[i].AgeDays = ptr(int(h.now().Sub(r.CreatedAt).Hours() / 24))
	}
	out.ByReason = make([]struct {
		Label   string `json:"label"`
		Reason  string `json:"reason"`
		Returns int    `json:"returns"`
	}, len(rep.ByReason))
	for i, c := range rep.ByReason {
		out.ByReason[i].Reason, out.ByReason[i].Returns = string(c.Reason), c.Returns
		out.ByReason[i].Label = c.Reason.Label().In(lang)
	}
	out.ByProduct = make([]struct {
		Frequent bool   `json:"frequent"`
		Merchant string `json:"merchant"`
		Name     string `json:"name"`
		Returned int    `json:"returned"`
		Returns  int    `json:"returns"`
		Shipped  int    `json:"shipped"`
		Sku      string `json:"sku"`
	}, len(rep.ByProduct))
	for i, p := range rep.ByProduct {
		o := &out.ByProduct[i]
		o.Frequent, o.Merchant, o.Name, o.Returned, o.Returns, o.Shipped, o.Sku = p.Frequent(), p.Merchant, p.Name, p.Returned, p.Returns, p.Shipped, p.SKU
	}
	return out, nil
}

// IdentifyReturn answers POST /ops/return-parcels: the desk scanned a parcel.
func (h apiHandlers) IdentifyReturn(ctx context.Context, req api.IdentifyReturnRequestObject) (api.IdentifyReturnResponseObject, error) {
	if _, err := allow(ctx, soko.MenuReturns); err != nil {
		return nil, err
	}
	r, err := h.store.IdentifyReturn(ctx, req.Body.Code)
	if err != nil {
		return nil, err
	}
	lang := langOf(ctx)
	msg := soko.Text{JA: fmt.Sprintf("返品 %s（注文 %s）の受付を始めます", r.Number, r.OrderNumber), EN: fmt.Sprintf("Receiving return %s (order %s)", r.Number, r.OrderNumber)}.In(lang)
	if !r.Announced {
		msg = soko.Text{JA: fmt.Sprintf("予告なしの返送です：%s（注文 %s）", r.Number, r.OrderNumber), EN: fmt.Sprintf("Unannounced return %s (order %s)", r.Number, r.OrderNumber)}.In(lang)
	}
	return api.IdentifyReturn200JSONResponse{Message: msg, Return: returnOut(r, lang, true)}, nil
}

// GetOpsReturn answers GET /ops/returns/{return_id}.
func (h apiHandlers) GetOpsReturn(ctx context.Context, req api.GetOpsReturnRequestObject) (api.GetOpsReturnResponseObject, error) {
	if _, err := allow(ctx, soko.MenuReturns); err != nil {
		return nil, err
	}
	r, err := h.store.ReturnByID(ctx, req.ReturnId)
	if err != nil {
		return nil, err
	}
	return api.GetOpsReturn200JSONResponse(returnOut(r, langOf(ctx), true)), nil
}

// ReceiveReturnUnit answers POST /ops/returns/{return_id}/units: one unit
// scanned, graded and sent somewhere. A unit back on a shelf lets the
// orders waiting for stock be allocated at once.
func (h apiHandlers) ReceiveReturnUnit(ctx context.Context, req api.ReceiveReturnUnitRequestObject) (api.ReceiveReturnUnitResponseObject, error) {
	sess, err := allow(ctx, soko.MenuReturns)
	if err != nil {
		return nil, err
	}
	in, lang := req.Body, langOf(ctx)
	r, err := h.store.ReturnByID(ctx, req.ReturnId)
	if err != nil {
		return nil, err
	}
	u := &soko.ReturnUnitScan{
		ScanID: in.ScanId, ReturnID: r.ID, StaffID: sess.Staff.ID, Device: sess.Device, Code: in.Code,
		Grade: soko.ReturnGrade(in.Grade), Location: deref(in.Location),
	}
	u.Destination = u.Grade.DefaultDestination()
	if in.Destination != nil {
		u.Destination = soko.ReturnDestination(*in.Destination)
	}
	name := soko.Text{JA: "荷主の商品ではないもの", EN: "an item that is not the merchant's"}.In(lang)
	if u.Grade != soko.GradeWrong {
		item, err := h.resolve(ctx, in.Code, r.MerchantID, "")
		if err != nil {
			return nil, err
		}
		if item.Units != 1 {
			return nil, soko.Errorf(soko.EINVALID, "scan each unit, not the case").JA("ケースではなく商品を1個ずつスキャンしてください").WithField("code", "case code")
		}
		u.ProductID, name = item.Product.ID, item.Product.Name
	}
	got, err := h.store.ReceiveReturnUnit(ctx, u)
	if err != nil {
		return nil, err
	}
	out := api.ReceiveReturnUnit200JSONResponse{Return: returnOut(got, lang, true),
		Message: soko.Text{JA: fmt.Sprintf("%s：%s → %s", name, u.Grade.Label().JA, destinationLabel(u.Destination, "ja", u.Location)),
			EN: fmt.Sprintf("%s: %s → %s", name, u.Grade.Label().EN, destinationLabel(u.Destination, "en", u.Location))}.In(lang)}
	if u.Destination == soko.DestStock {
		n, err := h.store.AllocateWaiting(ctx, h.rules)
		if err != nil {
			h.log.Warn("allocate after a return", "return", got.Number, "err", err)
		}
		out.Allocated = ptr(n)
	}
	return out, nil
}

func destinationLabel(d soko.ReturnDestination, lang, location string) string {
	labels := map[soko.ReturnDestination]soko.Text{
		soko.DestStock: {JA: "棚戻し " + location, EN: "back to " + location}, soko.DestQuarantine: {JA: "保留 " + location, EN: "quarantine " + location},
		soko.DestDisposal: {JA: "廃棄", EN: "disposal"}, soko.DestNone: {JA: "取り置き（在庫にしない）", EN: "set aside (no stock)"},
	}
	return labels[d].In(lang)
}

// FinishReturn answers POST /ops/returns/{return_id}/finish (受付完了).
func (h apiHandlers) FinishReturn(ctx context.Context, req api.FinishReturnRequestObject) (api.FinishReturnResponseObject, error) {
	sess, err := allow(ctx, soko.MenuReturns)
	if err != nil {
		return nil, err
	}
	rec, err := h.store.FinishReturn(ctx, req.ReturnId, sess.Staff.ID)
	if err != nil {
		return nil, err
	}
	r, lang := rec.Return, langOf(ctx)
	if rec.ExchangeOrder != 0 {
		h.allocateExchange(ctx, r)
	}
	msg := soko.Text{JA: fmt.Sprintf("返品 %s を受け付けました（%d個）", r.Number, r.Units()), EN: fmt.Sprintf("Return %s received (%d units)", r.Number, r.Units())}.In(lang)
	if r.ExchangeOrderNo != "" {
		msg += soko.Text{JA: "。交換注文 " + r.ExchangeOrderNo, EN: ". Exchange order " + r.ExchangeOrderNo}.In(lang)
	}
	return api.FinishReturn200JSONResponse{Message: msg, Return: returnOut(r, lang, true)}, nil
}

// CompleteReturn answers POST /ops/returns/{return_id}/complete.
func (h apiHandlers) CompleteReturn(ctx context.Context, req api.CompleteReturnRequestObject) (api.CompleteReturnResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	r, err := h.store.CompleteReturn(ctx, req.ReturnId)
	if err != nil {
		return nil, err
	}
	return api.CompleteReturn200JSONResponse(returnOut(r, langOf(ctx), true)), nil
}

// PrintReturnSlip answers GET /ops/returns/{return_id}/slip.pdf.
func (h apiHandlers) PrintReturnSlip(ctx context.Context, req api.PrintReturnSlipRequestObject) (api.PrintReturnSlipResponseObject, error) {
	if _, err := allow(ctx, soko.MenuReturns); err != nil {
		return nil, err
	}
	r, err := h.store.ReturnByID(ctx, req.ReturnId)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := pdf.ReturnSlip(&buf, r, pdf.ReturnSlipOptions{Now: h.now, DPI: h.printerDPI, Warehouse: h.warehouseName}); err != nil {
		return nil, err
	}
	return api.PrintReturnSlip200ApplicationpdfResponse{Body: &buf, ContentLength: int64(buf.Len())}, nil
}
